"""hashpivot.service."""
