"""storyline: read a pile of news articles the way a careful analyst does.

Public API: `clean_article` (the per-article ingest stage), `ingest` (files to the store),
`open_store`, the data model (`Article`, `RawInput`, `DateClaim`, `Line`) and `StorylineError`.
"""

from storyline.errors import StorylineError
from storyline.ingest.clean import clean_article
from storyline.ingest.run import ingest
from storyline.model import Article, DateClaim, Line, RawInput
from storyline.store.db import open_store

__all__ = [
    "Article",
    "DateClaim",
    "Line",
    "RawInput",
    "StorylineError",
    "clean_article",
    "ingest",
    "open_store",
]
