"""Helpers shared by the tests and the benchmarks: media, servers, the stack, the asset harness."""
