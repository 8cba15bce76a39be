"""Youth, cases, case teams, external references and notes."""
