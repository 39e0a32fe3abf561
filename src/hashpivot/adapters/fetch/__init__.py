"""hashpivot.adapters.fetch."""
