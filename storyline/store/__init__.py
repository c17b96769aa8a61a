"""The store: SQLite with WAL, FTS5 and migrations."""
