"""Benchmarks of the portal at the size of a large organisation (`make bench`).

`python -m bench` builds a throwaway database (`portal.settings.bench`), fills it with
`bench.generate`, then runs every `bench/bench_*.py` module's `run(ctx)`. Each prints
`BENCH <name> <value> <unit> ratio=<x>` against a baseline measured in the same run, because
the machines are shared and noisy: only ratios hold. See bench/README.md.
"""
