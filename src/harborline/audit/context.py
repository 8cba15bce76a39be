"""The current request's id, for the audit record (set by RequestIdMiddleware)."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("harborline_request_id", default="")
