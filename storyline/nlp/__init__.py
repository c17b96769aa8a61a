"""Per-article NLP: entities with in-article coreference, and who said what (quotes).

`analyse_texts` (batched) and `analyse` (one text) are the entry points; `run.analyse_store`
drives them over the store.
"""
