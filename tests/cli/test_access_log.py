"""The access log keeps paths but never the secrets some paths carry."""

from types import SimpleNamespace

from gunicorn.config import Config

from harborline.config.access_log import RedactingLogger, redact


def test_calendar_and_password_tokens_are_redacted():
    assert redact("/taskforces/calendar/abcDEF123_-x.ics") == "/taskforces/calendar/[redacted].ics"
    assert redact("/password/set/MTI/c3x-9f8e7d") == "/password/set/[redacted]"
    assert redact("/cases/12/") == "/cases/12/"


def test_the_server_logger_writes_the_redacted_path():
    logger = RedactingLogger(Config())
    environ = {
        "PATH_INFO": "/taskforces/calendar/secret-token.ics",
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": "",
        "RAW_URI": "/taskforces/calendar/secret-token.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    req = SimpleNamespace(
        headers=[],
        method="GET",
        path="/taskforces/calendar/secret-token.ics",
        query="",
        uri="/taskforces/calendar/secret-token.ics",
        version=(1, 1),
    )
    resp = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    atoms = logger.atoms(
        resp,
        req,
        environ,
        SimpleNamespace(seconds=0, microseconds=1000, total_seconds=lambda: 0.001),
    )
    assert atoms["U"] == "/taskforces/calendar/[redacted].ics"
    assert "secret-token" not in str(atoms.get("U"))
