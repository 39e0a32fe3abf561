"""The mining path: fleets, economics and the monthly projection."""
