"""hashpivot.market."""
