"""hashpivot.compute."""
