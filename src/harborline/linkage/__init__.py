"""Privacy-preserving record linkage (issue 17): the same youth across agencies, without names.

- `encode`: at an agency, identifiers -> keyed, balanced, noised Bloom filters and keyed
  blocking tokens, under a secret the statistical center never holds (decision 0053).
- `link`: at the statistical center, encodings -> pairs with a match probability and each
  field's weight; one-to-one between two files, clusters across many (decision 0054).
- `normalize`: names, dates and ZIP codes made comparable before hashing.
- `synthetic`: synthetic youth for tests and the benchmark (never real people).

A low layer: it imports nothing else of Harborline and needs no Django (decision 0055 for
scale). The commands are `harborline linkage encode|link` (config/cli_linkage.py, docs/cli.md).
"""
