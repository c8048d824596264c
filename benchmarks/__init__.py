"""Benchmarks of problogic against ProbLog and DeepProbLog: ``python -m benchmarks --help``.

See benchmarks/README.md for the commands and the layout of the results.
"""
