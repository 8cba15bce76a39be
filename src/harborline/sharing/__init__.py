"""The workflows that grant access to a youth's case: shares, consent records and break-glass
(writes in `services`, reads in `selectors`, the expiry sweep in `sweep`). They act on cases and
check agreements' MOU basis, so they sit above `cases` and `agreements`; the one access rule and
the rows it reads stay in `access` (policy, models, compartments), which never loads a case
itself. No models, hence no migrations (docs/decisions/0036-sharing-above-cases.md)."""
