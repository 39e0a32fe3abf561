"""hashpivot.bitcoin."""
