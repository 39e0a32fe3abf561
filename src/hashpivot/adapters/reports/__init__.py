"""hashpivot.adapters.reports."""
