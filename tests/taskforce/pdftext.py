"""The text of a PDF that fpdf2 wrote with its core fonts: every content stream is inflated and
the strings of its text operators (`(...) Tj` and `[...] TJ`) are joined, so a test can check
what a reader of the file would read. Lines that wrap are joined with a space."""

from __future__ import annotations

import contextlib
import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)")
SHOWN = re.compile(rb"(\((?:\\.|[^\\)])*\)\s*Tj|\[(?:\\.|[^\]\\])*\]\s*TJ)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def pdf_text(data: bytes) -> str:
    shown: list[str] = []
    for stream in STREAM.finditer(data):
        content = stream.group(1)
        with contextlib.suppress(zlib.error):  # an uncompressed stream stays as it is
            content = zlib.decompress(content)
        for op in SHOWN.finditer(content):
            parts = [_unescape(s.group(1)) for s in STRING.finditer(op.group(1))]
            shown.append(b"".join(parts).decode("latin-1"))
    return re.sub(r"\s+", " ", " ".join(shown)).strip()
