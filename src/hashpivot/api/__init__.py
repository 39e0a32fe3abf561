"""Public API: the jobs the CLI, the HTTP service and notebooks call (thin orchestration)."""
