"""The optional abstractive summary, against a real HTTP server on loopback that each test
starts: a good answer, an HTTP error, a refused connection, a timeout, a non-chat answer, and
`storyline brief --llm` still writing the whole extractive dossier when the endpoint fails."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dossier_helpers import comparison, ferry_story

from storyline.cli import cli
from storyline.link.stories import list_stories
from storyline.report.dossier import build_dossier
from storyline.report.dossier_html import dossier_html
from storyline.report.dossier_llm import KEY_ENV, LLMError, abstractive_summary
from storyline.report.dossier_md import dossier_markdown
from storyline.store.db import Store

ANSWER = "Night crossings stop from 1 June [C1]. When the company first warned is disputed [C2]."
CLAIMS = [
    {
        "id": "C1",
        "text": "Night crossings stop from 1 June.",
        "independent": 2,
        "origin": None,
        "sources": [{"article_id": "65e02557aaaaaaaa", "outlet": "Ledger", "start": 0, "end": 58}],
    }
]


class Endpoint(ThreadingHTTPServer):
    """A chat-completions endpoint on loopback: records requests, answers as told."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.status = 200
        self.payload: Any = {"choices": [{"message": {"role": "assistant", "content": ANSWER}}]}
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    server: Endpoint

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, dict(self.headers), body))
        time.sleep(self.server.delay)
        data = json.dumps(self.server.payload).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_summary_from_a_real_endpoint(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    assert abstractive_summary(endpoint.url, CLAIMS, model="tiny") == ANSWER
    ((path, headers, body),) = endpoint.requests
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-test"
    assert body["model"] == "tiny"
    prompt = body["messages"][-1]["content"]
    assert "[C1] Night crossings stop from 1 June." in prompt
    assert "Ledger 65e02557:0-58" in prompt


def test_no_key_sends_no_authorization(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    abstractive_summary(endpoint.url + "/chat/completions", CLAIMS, model="tiny")
    ((path, headers, _),) = endpoint.requests
    assert path == "/v1/chat/completions"
    assert "Authorization" not in headers


def test_http_error_names_status_and_detail(endpoint: Endpoint) -> None:
    endpoint.status, endpoint.payload = 500, {"error": "model overloaded"}
    with pytest.raises(LLMError, match=r"HTTP 500.*model overloaded"):
        abstractive_summary(endpoint.url, CLAIMS, model="tiny")


def test_unreachable_and_slow_endpoints_are_llm_errors(endpoint: Endpoint) -> None:
    with pytest.raises(LLMError, match="unreachable"):
        abstractive_summary(f"http://127.0.0.1:{_closed_port()}", CLAIMS, model="tiny")
    endpoint.delay = 1.0
    with pytest.raises(LLMError, match="unreachable: timed out"):
        abstractive_summary(endpoint.url, CLAIMS, model="tiny", timeout=0.2)


def test_an_answer_that_is_not_a_chat_completion(endpoint: Endpoint) -> None:
    endpoint.payload = {"choices": []}
    with pytest.raises(LLMError, match="without a chat completion"):
        abstractive_summary(endpoint.url, CLAIMS, model="tiny")


def test_dossier_cites_the_claims_the_model_names(store: Store, endpoint: Endpoint) -> None:
    first, second = ferry_story(store)
    (view,) = list_stories(store)
    endpoint.payload["choices"][0]["message"]["content"] = "Crossings stop in June [C1]."
    d = build_dossier(store, view, comparison(store, first, second), llm=endpoint.url)
    llm = d["abstractive_summary"]
    assert llm["text"] == "Crossings stop in June [C1]."
    assert llm["claims"] == ["C1"]
    assert {s["article_id"] for s in llm["sources"]} == {first, second}
    assert d["warnings"] == []
    assert "Written by a model" in dossier_markdown(d)
    assert "Crossings stop in June [C1]." in dossier_html(d)


def test_brief_with_a_failing_endpoint_warns_and_writes_the_extractive_dossier(
    store: Store, endpoint: Endpoint, tmp_path: Path
) -> None:
    ferry_story(store)
    endpoint.status = 503
    out = tmp_path / "out" / "d.json"
    result = CliRunner().invoke(
        cli, ["--db", str(store.path), "brief", "S1", "--llm", endpoint.url, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "warning: LLM endpoint" in result.stderr
    assert "HTTP 503" in result.stderr
    d = json.loads(out.read_text())
    assert "abstractive_summary" not in d
    assert d["summary"]
    assert d["warnings"]
    assert [p.name for p in out.parent.iterdir()] == ["d.json"]  # no temporary file left
