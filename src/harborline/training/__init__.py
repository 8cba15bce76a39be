"""Training: course catalogues from the packs, events, records, evaluations and role-based
compliance."""
