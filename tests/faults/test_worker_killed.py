"""The worker killed (SIGKILL) in the middle of a reminder task: the task runs again exactly once,
on the next worker, once its lease has passed; no reminder is lost and none is sent twice.

The mail server is a small SMTP sink on 127.0.0.1 that keeps a message only once it has answered
"250" for it. It holds the first reminder's DATA unanswered while the test kills the worker, as
a mail server does when the client vanishes mid-send: that message was never delivered."""

from __future__ import annotations

import email
import json
import socket
import socketserver
import threading
import time
from collections import Counter

import pytest

from .conftest import PrivateCluster, Process, demo_email, harborline, make_site

pytestmark = pytest.mark.faults

LEASE_SECONDS = 2
TASK = "harborline.response.tasks.send_obligation_reminder"


class Sink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpSession)
        self.delivered: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.hold_next = threading.Event()  # hold the next reminder's DATA unanswered
        self.holding = threading.Event()  # set while a message is held
        self.dropped: list[email.message.Message] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class SmtpSession(socketserver.StreamRequestHandler):
    server: Sink

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                message = email.message_from_bytes(b"".join(lines))
                reminder = str(message["Message-ID"]).startswith("<harborline.reminder.")
                if reminder and self.server.hold_next.is_set():
                    self.server.hold_next.clear()
                    self.server.holding.set()
                    self.connection.settimeout(120)
                    try:  # until the client goes away: never answered, never delivered
                        while self.rfile.readline():
                            pass
                    except OSError:
                        pass
                    with self.server.lock:
                        self.server.dropped.append(message)
                    return
                with self.server.lock:
                    self.server.delivered.append(message)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            elif verb == "EHLO":
                self.reply("250 sink")
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


def _screen_long_ago(site) -> None:
    """Two screenings of two cases, identified 23 and 30 hours ago: the first one's 24-hour
    report to child welfare is past nine-tenths of its window, the second one's is breached (a
    reminder and an escalation to supervisors), so the first sweep queues reminders at once."""
    code = f"""
from datetime import timedelta
from django.utils import timezone
from harborline.cases.models import Case
from harborline.people.models import User
from harborline.response.services import record_screening
user = User.objects.get(email={demo_email("caseworker")!r})
cases = Case.objects.filter(owner=user.membership.organization, status="open").order_by("pk")
for case, hours in zip(cases[:2], (23, 30)):
    record_screening(actor=user, case_id=case.pk, instrument="nrit",
        answers={{"cv_law_enforcement": True}}, identified_by="law_enforcement",
        identified_at=timezone.now() - timedelta(hours=hours), setting="field", urgent=None,
        urgent_reason="")
"""
    harborline(site.env, "manage", "shell", "-c", code)


def _tasks(site) -> list[tuple[str, str, list[str], dict | None]]:
    rows = site.query(
        "SELECT id::text, status, worker_ids, return_value FROM "
        "django_tasks_database_dbtaskresult WHERE task_path = %s ORDER BY enqueued_at",
        (TASK,),
    )
    return [(r[0], r[1], list(r[2] or []), r[3]) for r in rows]


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_reminder_task_killed_mid_send_runs_again_exactly_once(cluster: PrivateCluster) -> None:
    sink = Sink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        site = make_site(
            cluster,
            "worker",
            HARBORLINE_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            HARBORLINE_EMAIL_HOST="127.0.0.1",
            HARBORLINE_EMAIL_PORT=str(sink.port),
            HARBORLINE_TASK_LEASE_SECONDS=str(LEASE_SECONDS),
        )
        _screen_long_ago(site)
        sink.hold_next.set()
        first = Process(site.env, ["worker", "--interval", "3600"], site.var_dir / "worker1.log")
        try:
            _wait(sink.holding.is_set, 90, "the first reminder to reach the mail server")
            running = [t for t in _tasks(site) if t[1] == "RUNNING"]
            assert running, (
                site.query("SELECT task_path, status FROM django_tasks_database_dbtaskresult"),
                first.output(),
            )
            assert len(running) == 1, _tasks(site)
            first.kill()  # SIGKILL in the middle of the send: nothing is cleaned up
        finally:
            first.stop()
        abandoned = running[0][0]
        _wait(lambda: len(sink.dropped) == 1, 30, "the mail server to drop the half-sent message")
        # The killed worker's task is stuck until a worker takes it back.
        assert dict((t[0], t[1]) for t in _tasks(site))[abandoned] == "RUNNING"

        second = Process(site.env, ["worker", "--interval", "3600"], site.var_dir / "worker2.log")
        try:
            _wait(
                lambda: all(t[1] in ("SUCCESSFUL", "FAILED") for t in _tasks(site)),
                90,
                "every reminder task to finish",
            )
        finally:
            second.stop()
        tasks = _tasks(site)
        assert "abandoned by its worker: queued again" in second.output(), second.output()
        assert all(t[1] == "SUCCESSFUL" for t in tasks), tasks
        again = next(t for t in tasks if t[0] == abandoned)
        assert len(again[2]) == 2 and again[2][0] != again[2][1], again  # two attempts, two workers
        assert sum(len(t[2]) for t in tasks) == len(tasks) + 1  # only that one ran twice

        # Every reminder delivered exactly once: as many messages as the tasks report sending,
        # each Message-ID once, and the one that was cut off among them.
        def sent(value: object) -> dict:
            return json.loads(value) if isinstance(value, str) else dict(value or {})

        expected = sum(
            bool(sent(t[3]).get("recipients")) + bool(sent(t[3]).get("supervisors")) for t in tasks
        )
        ids = Counter(
            m["Message-ID"]
            for m in sink.delivered
            if str(m["Message-ID"]).startswith("<harborline.reminder.")
        )
        assert expected >= 2 and sum(ids.values()) == expected, (expected, ids)
        assert max(ids.values()) == 1, ids
        assert sink.dropped[0]["Message-ID"] in ids
        # And the deadline sweep did not queue anything twice either.
        stages = site.query(
            "SELECT args_kwargs FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
            (TASK,),
        )
        keys = Counter(json.dumps(r[0]["args"][:2]) for r in stages)
        assert max(keys.values()) == 1, keys
    finally:
        sink.shutdown()
        sink.server_close()


def test_the_sink_is_reachable() -> None:
    """Guard for the test above: the sink speaks enough SMTP for smtplib."""
    import smtplib

    sink = Sink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as client:
            client.sendmail("a@example.org", ["b@example.org"], "Message-ID: <x@y>\r\n\r\nhi")
        assert [m["Message-ID"] for m in sink.delivered] == ["<x@y>"]
    finally:
        sink.shutdown()
        sink.server_close()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", sink.port), timeout=1):
        pass
