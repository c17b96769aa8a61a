"""Ingest stage: readers, cleaning, dates."""
