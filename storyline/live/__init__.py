"""Live ingest: fetch pages and poll news feeds politely and safely (`storyline watch`)."""
