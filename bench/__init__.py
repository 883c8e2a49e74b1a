"""Benchmarks (not part of the test run). See docs/benchmarks.md."""
