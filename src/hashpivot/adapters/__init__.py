"""hashpivot.adapters."""
