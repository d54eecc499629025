"""Benchmarks (`make bench`): one module per measurement family, shared helpers in `core`.

See docs/performance.md for what each figure means and the latest results.
"""
