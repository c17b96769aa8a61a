"""The local web UI and JSON API (`storyline serve`): read-only pages over the store."""
