"""Who may see and do what: compartments, shares, consent, legal bases, break-glass."""
