"""hashpivot.engine."""
