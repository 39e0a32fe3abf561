"""hashpivot.power."""
