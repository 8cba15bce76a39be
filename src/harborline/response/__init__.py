"""Screening on a case, obligations and their clocks, MDT meetings."""
