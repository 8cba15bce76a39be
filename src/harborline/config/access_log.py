"""The server's access log, with secrets in paths redacted: the per-person calendar feed
(/taskforces/calendar/<token>.ics) and the password-set link (/password/set/<uid>/<token>) carry
a bearer secret in the path, and access logs are kept and shipped more loosely than the
database."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_PATHS = (
    (re.compile(r"^(/taskforces/calendar/)[^/]+(\.ics)$"), r"\1[redacted]\2"),
    (re.compile(r"^(/password/set/)[^/]+/[^/]+$"), r"\1[redacted]"),
)


def redact(path: str) -> str:
    for pattern, replacement in SECRET_PATHS:
        path = pattern.sub(replacement, path)
    return path


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(str(atoms.get("U", "")))
        return atoms
