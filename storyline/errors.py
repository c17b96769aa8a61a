"""Errors storyline raises on purpose. Each message says what went wrong and what to do.

StorylineError
 ├─ InputError(ValueError)     a bad file or record: .path, .line
 ├─ ConfigError(ValueError)    an unknown option or format; the message lists the valid ones
 └─ StoreError
     ├─ StoreLocked            another process holds the write lock
     └─ SchemaTooNew           the database was written by a newer storyline
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""


class InputError(StorylineError, ValueError):
    """A file or record that cannot be read as an article."""

    def __init__(self, msg: str, *, path: str, line: int | None = None) -> None:
        super().__init__(f"{path}:{line}: {msg}" if line else f"{path}: {msg}")
        self.path, self.line = path, line


class ConfigError(StorylineError, ValueError):
    """An unknown option, format or setting."""


class StoreError(StorylineError):
    """The store cannot be opened or written."""


class StoreLocked(StoreError):
    """Another process is writing to the same database."""


class SchemaTooNew(StoreError):
    """The database schema is newer than this version of storyline knows."""
