"""hashpivot.config."""
