"""A company valued by its megawatts: the sum of its sites' values on shared market paths."""
