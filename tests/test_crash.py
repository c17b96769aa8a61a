"""A kill in the middle of an ingest leaves a consistent store; a re-run completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PARA = (
    "The port authority and the union met again on {day} to discuss the overtime rules that "
    "triggered the strike, and both sides said article {n} of the agreement was still open."
)


def _corpus(root: Path, n: int) -> None:
    root.mkdir()
    for i in range(n):
        body = f"Harbour talks, round {i}\n\n" + "\n".join(
            PARA.format(day=d, n=i * 10 + k) for k, d in enumerate(["Monday", "Tuesday", "Friday"])
        )
        (root / f"{i:05d}.txt").write_text(body, encoding="utf-8")


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_kill_mid_ingest_then_resume(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus", tmp_path / "k.db"
    n = 1500
    _corpus(corpus, n)
    env = {**os.environ, "STORYLINE_DB": str(db)}
    cmd = [sys.executable, "-m", "storyline", "ingest", str(corpus), "--steps", "clean", "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until some batches are committed, then kill
        if db.exists() and proc.poll() is None:
            try:
                if _count(db, "SELECT COUNT(*) FROM articles") >= 200:
                    break
            except sqlite3.OperationalError:
                pass
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    stored = _count(db, "SELECT COUNT(*) FROM articles")
    assert 0 < stored < n, "the kill must land mid-ingest"
    assert _count(db, "SELECT COUNT(*) FROM raw_inputs") == stored
    assert (
        _count(
            db,
            "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM "
            "article_lines l WHERE l.article_id = a.id)",
        )
        == 0
    )
    assert _count(db, "SELECT COUNT(*) FROM articles_fts") == stored
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert _count(db, "SELECT COUNT(*) FROM articles") == n
