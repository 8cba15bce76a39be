"""One gate, in front of every page and API endpoint, for input that no view can handle: a body
larger than the server accepts, and text that is not valid Unicode.

- A body over the limit is refused before anything reads it: 413, with the body read and
  discarded (up to `DRAIN_MAX_BYTES` within `DRAIN_SECONDS`) so the client's next request on the
  same keep-alive connection is understood. A larger or slower body is left unread, and the server
  (gunicorn) closes the connection after the answer instead of reading it.
- Text in the path, the query string, a form or a JSON body that is not valid UTF-8, holds a lone
  surrogate (JSON `"\\ud800"`) or the NUL character (which no database column stores) is refused:
  under /api/ with 422 application/problem+json naming each field by its JSON path
  (`attendees[0]`, `youth.first_name`) or parameter name; pages with a plain 400 page.

Views and schemas can then trust that every string they see can be stored and shown. See
docs/api.md ("Limits and text") and decision 0032.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.shortcuts import render
from django.urls import Resolver404, resolve

from harborline import tabular
from harborline.api.problems import problem
from harborline.errors import FieldError

API_PREFIX = "/api/"

# Spreadsheet imports are multipart uploads of up to tabular.MAX_BYTES; a somewhat larger file
# still reaches the page, which says how large a file may be.
MAX_UPLOAD_BYTES = 4 * tabular.MAX_BYTES

# What is read and discarded of a refused body so the connection can serve the next request.
DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 5.0
_CHUNK = 64 * 1024

# At most this many field errors in one answer.
MAX_ERRORS = 20

NOT_UNICODE = "is not valid Unicode text (an undecodable byte or a lone surrogate)"
HAS_NUL = "must not contain the NUL character (U+0000)"

# A JSON escape that can make text unstorable: a surrogate (lone ones are found after parsing)
# or U+0000. Bodies without one, and that decode as UTF-8, are let through without parsing.
_RISKY_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = _too_large(request) or _bad_text(request)
        return refused if refused is not None else self.get_response(request)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def body_limit(request: HttpRequest) -> int | None:
    """The largest body this request may carry, or None for no limit."""
    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return None
    if not _is_api(request) and request.content_type == "multipart/form-data":
        return max(limit, MAX_UPLOAD_BYTES)
    return limit


# --- 413 -----------------------------------------------------------------------------------------


def _too_large(request: HttpRequest) -> HttpResponse | None:
    limit = body_limit(request)
    length = _content_length(request)
    if limit is None or length <= limit:
        return None
    _drain(request, length)
    if _is_api(request):
        return problem(
            413,
            "Request too large",
            f"The body is {length} bytes; at most {limit} bytes are accepted.",
            [FieldError("body", f"is larger than {limit} bytes")],
        )
    megabytes = max(limit // (1024 * 1024), 1)
    return _page(
        request,
        413,
        "Too large to send",
        f"What you sent is larger than the {megabytes} MB this site accepts. Send less at a time.",
    )


def _drain(request: HttpRequest, length: int) -> None:
    """Read and discard a refused body, so that the next request on a keep-alive connection
    starts where the server expects it. A body too large or too slow to read is left: gunicorn
    then closes the connection after the answer rather than reading it."""
    if length > DRAIN_MAX_BYTES:
        return
    deadline = time.monotonic() + DRAIN_SECONDS
    remaining = length
    try:
        while remaining > 0 and time.monotonic() < deadline:
            chunk = request.read(min(remaining, _CHUNK))
            if not chunk:
                return
            remaining -= len(chunk)
    except (OSError, UnreadablePostError):
        return


# --- 422 / 400 -----------------------------------------------------------------------------------


def _bad_text(request: HttpRequest) -> HttpResponse | None:
    errors = [*_path_errors(request), *_query_errors(request), *_body_errors(request)]
    if not errors:
        return None
    errors = errors[:MAX_ERRORS]
    if _is_api(request):
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return problem(422, "Some fields need attention", detail, errors)
    return _page(
        request,
        400,
        "Bad request",
        "The request holds text that is not valid Unicode. Check what was typed or pasted and "
        "send it again.",
    )


def _wsgi_bytes(request: HttpRequest, key: str) -> bytes:
    # WSGI hands the query string over as a latin-1 string of the raw bytes.
    return str(request.META.get(key, "")).encode("latin-1", "replace")


def _text_problem(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UNICODE
    return HAS_NUL if "\x00" in text else None


def _path_errors(request: HttpRequest) -> Iterator[FieldError]:
    # Django has already decoded the path, percent-encoding again the bytes that are not UTF-8
    # (so the original is no longer in request.META); undo that to see them.
    path = request.path_info
    message = _text_problem(unquote_to_bytes(path)) if "%" in path or "\x00" in path else None
    if message is None:
        return
    # Name the path parameter that holds the bad text, when the path matches a route.
    field = "path"
    try:
        match = resolve(path)
    except Resolver404:
        pass
    else:
        for name, value in match.kwargs.items():
            if isinstance(value, str) and _text_problem(unquote_to_bytes(value)):
                field = name
                break
    yield FieldError(field, message)


def _pairs_errors(raw: bytes, where: str) -> Iterator[FieldError]:
    """Errors in an application/x-www-form-urlencoded string (a query string or a form body),
    by parameter name."""
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(name.replace(b"+", b" "))
        label = _printable(name_bytes.decode("utf-8", "replace")) or where
        message = _text_problem(name_bytes) or _text_problem(
            unquote_to_bytes(value.replace(b"+", b" "))
        )
        if message:
            yield FieldError(label, message)


def _query_errors(request: HttpRequest) -> Iterator[FieldError]:
    return _pairs_errors(_wsgi_bytes(request, "QUERY_STRING"), "query")


def _body_errors(request: HttpRequest) -> Iterator[FieldError]:
    if request.method in ("GET", "HEAD", "OPTIONS") or _content_length(request) == 0:
        return iter(())
    if _is_api(request):
        if request.content_type == "multipart/form-data":
            return iter(())
        return _json_errors(request.body)
    if request.content_type == "application/x-www-form-urlencoded":
        return _pairs_errors(request.body, "body")
    # Multipart forms: Django decodes their text with replacement characters; files are bytes.
    return iter(())


def _json_errors(body: bytes) -> Iterator[FieldError]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # Undecodable bytes become lone surrogates, so the walk below finds their field.
        text = body.decode("utf-8", "surrogateescape")
    else:
        if "\x00" not in text and not _RISKY_ESCAPE.search(text):
            return iter(())
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return iter(())  # not JSON: the API answers that itself
    return _walk(data)


def _walk(data: Any) -> Iterator[FieldError]:
    """Every string (keys included) in parsed JSON that cannot be stored, by JSON path."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            message = _string_problem(value)
            if message:
                yield FieldError(path or "body", message)
        elif isinstance(value, dict):
            children = []
            for key, child in value.items():
                child_path = f"{path}.{_printable(key)}" if path else _printable(key)
                message = _string_problem(key)
                if message:
                    yield FieldError(child_path, message)
                children.append((child_path, child))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", child) for i, child in enumerate(value)]))


def _string_problem(value: str) -> str | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return NOT_UNICODE
    return HAS_NUL if "\x00" in value else None


def _printable(name: str) -> str:
    """A field name as it can be shown: unprintable characters as \\uXXXX escapes."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)


# --- pages ---------------------------------------------------------------------------------------


def _page(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    """A plain error page. The guard runs before the session is read, so the page shows no one
    as signed in; it gets the Content-Security-Policy and framing headers every page has from
    the same middleware."""

    context = {"title": title, "detail": detail, "status": status}
    response = render(request, "web/error.html", context, status=status)
    for middleware in (CSPMiddleware(_unused), XFrameOptionsMiddleware(_unused)):
        middleware.process_response(request, response)
    return response


def _unused(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError("only the middleware's process_response is used")
