"""`make bench`: the API measured against a plain-Django floor at 10 k to 1 M
articles on SQLite and PostgreSQL (see articles/management/commands/bench.py).

databases: one database per engine and tier, generated once and reused.
floor:     the same article page without DRF: `.values()` + json, and raw SQL + orjson.
measure:   timings (p50/p95 after warm-up), query counts, peak RSS of a worker.
report:    the targets of issue 5, met or missed, as Markdown and JSON.
"""
