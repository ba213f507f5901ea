"""Benchmarks of issue 8: ``make bench`` runs ``bench/run.py``; see bench/README.md."""
