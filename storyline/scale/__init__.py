"""`storyline batch`: the pipeline on a Dask cluster, Parquet in and out.

The per-article stages (read, clean, date, NLP, time expressions, the lede embedding) run as
Dask tasks, one per partition of the input (`partitions`, `tasks`); each partition's result is
written as Parquet shards (`shards`) and recorded in a manifest, so a re-run skips finished
partitions (`batch`). The driver then loads the shards into the store in input order and runs
the cross-article steps there, exactly as the single-process pipeline does (`load`): see
docs/batch.md for why those stay in one process.
"""
