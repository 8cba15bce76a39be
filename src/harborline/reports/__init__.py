"""Reporting (issue 16): code-book records per youth (`codebook`), submissions to the state
statistical center with approval and an immutable log (`submissions`), the statistical center's
reports, report tables and dashboards under disclosure control (`disclosure`, `tables`), and a
task force's annual report (`taskforce`). Above `directory`, `sharing`, `training`,
`agreements` and `taskforce` in the layers: it reads them all, nothing below reads it."""
