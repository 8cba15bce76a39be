"""PostgreSQL restarted in the middle of traffic: while it is down every request answers 503 with
Retry-After (problem+json under /api/, the "try again" page elsewhere), never a 500; once it is
back the same server answers 200 again without a restart; no write is half done."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from harborline.config.db_outage import RETRY_AFTER_SECONDS, TITLE

from .conftest import (
    PrivateCluster,
    Process,
    api_token,
    demo_email,
    dump,
    first_case,
    harborline,
    make_site,
    serve,
    sign_in,
)

pytestmark = pytest.mark.faults

OUTAGE_SECONDS = 4.0


@dataclass
class Answer:
    at: float
    kind: str
    status: int  # 0: no HTTP answer (the connection failed)
    content_type: str = ""
    retry_after: str = ""
    body: str = ""
    note_id: int | None = None
    done: float = 0.0  # when the answer (or the failure) came back


def test_requests_during_a_database_restart_answer_503_and_the_server_recovers(
    cluster: PrivateCluster,
) -> None:
    site = make_site(cluster, "outage")
    email = demo_email("caseworker")
    case = first_case(site, email)
    server, base = serve(site)
    worker = Process(site.env, ["worker", "--interval", "1"], site.var_dir / "worker.log")
    try:
        session = sign_in(site, base, email)
        api = httpx.Client(
            base_url=base, timeout=15, headers={"Authorization": f"Bearer {api_token(site, email)}"}
        )
        notes_before = {r[0] for r in site.query("SELECT id FROM cases_note")}
        answers: list[Answer] = []
        lock = threading.Lock()
        stop = threading.Event()
        written = Counter[str]()

        def call(kind: str, send: Any) -> None:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    response = send()
                except httpx.TransportError:
                    answer = Answer(began, kind, 0)
                else:
                    answer = Answer(
                        began,
                        kind,
                        response.status_code,
                        response.headers.get("content-type", ""),
                        response.headers.get("retry-after", ""),
                        response.text[:2000],
                    )
                    if kind == "api write" and response.status_code == 201:
                        answer.note_id = int(response.json()["id"])
                answer.done = time.monotonic()
                with lock:
                    answers.append(answer)
                time.sleep(0.05)

        def write_note() -> httpx.Response:
            with lock:
                written["n"] += 1
                n = written["n"]
            return api.post(
                f"/api/v1/cases/{case}/notes",
                json={"compartment": "identity", "text": f"Written under a restart, #{n}."},
            )

        loads = {
            "api read": lambda: api.get(f"/api/v1/cases/{case}"),
            "api write": write_note,
            "page": lambda: session.get(f"/cases/{case}/"),
            "page list": lambda: session.get("/cases/"),
        }
        threads = [threading.Thread(target=call, args=item, daemon=True) for item in loads.items()]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(3)
        down_at = time.monotonic()
        cluster.stop("fast")
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        up_at = time.monotonic()
        # Traffic goes on until every kind of request has succeeded again a few times.
        deadline = up_at + 30
        while time.monotonic() < deadline:
            with lock:
                recovered = Counter(
                    a.kind for a in answers if a.at > up_at and a.status in (200, 201)
                )
            if all(recovered[k] >= 3 for k in loads):
                break
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        session.close()
        api.close()

        assert server.alive(), "the server died with the database"
        assert answers and min(a.at for a in answers) >= start
        # Finished before the stop: a request begun before it may be answered after it when the
        # machine is loaded (CI runs two test processes), and then a 503 is right.
        before = [a for a in answers if a.done < down_at]
        during = [a for a in answers if down_at <= a.at < up_at]
        after = [a for a in answers if a.at >= up_at]
        statuses = Counter((a.kind, a.status) for a in answers)
        print("answers by kind and status:", dict(statuses))
        back = [a.at for a in answers if a.at >= up_at and a.status in (200, 201)]
        print(f"first success {min(back) - up_at:.2f} s after PostgreSQL was back" if back else "")
        # Before: all well.
        assert before and all(a.status in (200, 201) for a in before), dump(statuses)
        # Never a 500, nor a dropped connection: only 2xx and 503, whenever it happened.
        assert {a.status for a in answers} <= {200, 201, 503}, dump(statuses)
        # During: 503 for every kind of request, each in its own form.
        unavailable = [a for a in during if a.status == 503]
        assert {a.kind for a in unavailable} == set(loads), dump(statuses)
        for answer in (a for a in answers if a.status == 503):
            assert answer.retry_after == str(RETRY_AFTER_SECONDS), answer
            if answer.kind.startswith("api"):
                assert answer.content_type == "application/problem+json", answer
                assert f'"title": "{TITLE}"' in answer.body, answer
                assert '"status": 503' in answer.body, answer
            else:
                assert answer.content_type.startswith("text/html"), answer
                assert f"<h1>{TITLE}</h1>" in answer.body, answer
                assert "Try again" in answer.body, answer
        # After: the same server process answers again, every kind of request.
        recovered = Counter(a.kind for a in after if a.status in (200, 201))
        assert all(recovered[k] >= 3 for k in loads), dump(statuses)
        last = {k: [a for a in after if a.kind == k][-3:] for k in loads}
        assert all(a.status in (200, 201) for tail in last.values() for a in tail), dump(last)

        # Nothing half-written: every note that exists has its audit record, every 201 is there,
        # and no more notes exist than were attempted.
        created = {a.note_id for a in answers if a.note_id is not None}
        notes = {r[0] for r in site.query("SELECT id FROM cases_note")} - notes_before
        audited = {
            int(r[0])
            for r in site.query(
                "SELECT object_id FROM audit_auditevent WHERE action = 'create' "
                "AND object_type = 'cases.note'"
            )
        }
        assert created <= notes
        assert len(notes) <= written["n"]
        assert notes <= audited, f"notes without their audit record: {sorted(notes - audited)}"
        assert not (audited - notes - notes_before), "audit records of notes that do not exist"
        assert "intact" in harborline(site.env, "verify-audit")
        assert server.alive()
        # The worker rode it out as well: still running, and sweeping again since.
        sweeps = worker.output().count("Reminders sent:")
        deadline = time.monotonic() + 20
        while worker.output().count("Reminders sent:") <= sweeps and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker.alive(), worker.output()[-2000:]
        assert worker.output().count("Reminders sent:") > sweeps, worker.output()[-2000:]
        log = server.output()
        assert "Service Unavailable" in log or "503" in log
    finally:
        worker.stop()
        server.stop()
