"""An abstractive summary from an OpenAI-compatible chat endpoint (`storyline brief --llm URL`).

Off by default: storyline is local-first, and the extractive summary needs nothing. The model
is given only the story's top claims, each with its citations, and asked to cite the claims it
uses ("[C3]"), so its summary can be traced back to articles and spans. The key, if the endpoint
needs one, comes from the environment (`STORYLINE_LLM_KEY`), never from the command line where
it would land in shell history. Any failure (unreachable, an HTTP error, a timeout, an answer
that is not a chat completion) is an `LLMError` whose message says what happened.
"""

from __future__ import annotations

import http.client
import json
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from storyline.errors import StorylineError

DEFAULT_MODEL = "gpt-4o-mini"
KEY_ENV = "STORYLINE_LLM_KEY"
TIMEOUT_S = 30.0  # a summary of a dozen claims takes a few seconds on hosted and local models
SOURCES_PER_CLAIM = 3  # citations shown to the model per claim: enough to see it is corroborated
SYSTEM = (
    "You summarise a news story for an analyst. Use only the claims given; do not add facts."
    " Write 3 to 5 plain sentences. After each sentence cite the claims it rests on by their"
    " ids in square brackets, e.g. [C1][C4]. Say where sources disagree or a claim has only"
    " one source."
)


class LLMError(StorylineError):
    """The summary endpoint could not be used; the message names the endpoint and the cause."""


def _prompt(claims: Sequence[dict[str, Any]]) -> str:
    lines = ["Claims, most corroborated first:"]
    for c in claims:
        cites = "; ".join(
            f"{s.get('outlet') or '?'} {s['article_id'][:8]}:{s['start']}-{s['end']}"
            for s in c["sources"][:SOURCES_PER_CLAIM]
        )
        origin = f", all from {c['origin']}" if c.get("origin") else ""
        lines.append(
            f"[{c['id']}] {c['text']} ({c['independent']} independent sources{origin}; {cites})"
        )
    return "\n".join(lines)


def endpoint(url: str) -> str:
    """The chat-completions address of a base URL (`http://host/v1` → `…/v1/chat/completions`)."""
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def abstractive_summary(
    url: str, claims: Sequence[dict[str, Any]], *, model: str, timeout: float = TIMEOUT_S
) -> str:
    """The model's summary of these claims (raises LLMError on any failure)."""
    if not claims:
        raise LLMError("no claims to summarise: the model was not asked")
    target = endpoint(url)
    body = {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": _prompt(claims)},
        ],
    }
    headers = {"Content-Type": "application/json"}
    if key := os.environ.get(KEY_ENV):
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(
        target, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace")[:200].strip()
        raise LLMError(f"LLM endpoint {target} answered HTTP {err.code}: {detail}") from err
    except (OSError, http.client.HTTPException) as err:  # refused, timed out, cut off
        reason = getattr(err, "reason", err)
        raise LLMError(f"LLM endpoint {target} is unreachable: {reason}") from err
    except ValueError as err:  # JSON or UTF-8
        raise LLMError(f"LLM endpoint {target} did not answer JSON: {err}") from err
    try:
        text = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as err:
        raise LLMError(f"LLM endpoint {target} answered without a chat completion") from err
    if not isinstance(text, str) or not text.strip():
        raise LLMError(f"LLM endpoint {target} answered an empty summary")
    return text.strip()
