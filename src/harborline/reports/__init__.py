"""Reports that compose several apps: a task force's annual report and its dashboard's training
and agreements summaries (`taskforce`). Above `training`, `agreements` and `taskforce` in the
layers, beside `sharing`; no models."""
