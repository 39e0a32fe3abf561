"""hashpivot.valuation."""
