"""hashpivot.company."""
