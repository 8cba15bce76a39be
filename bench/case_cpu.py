"""Case pages before and after a change, on a shared machine (issue 11).

    .venv/bin/python bench/case_cpu.py ROOT RUNS OUT.json

ROOT is a checkout (this one, or `git archive <rev> | tar -x -C /tmp/before` of an earlier
revision, which builds its own data set under ROOT/bench/cache). As the lead caseworker of the
biggest case (bench/run.py's pick_case_users), /session/, /cases/, the small case page, the
biggest case page and (when ROOT's run.py picks one) the timeline of a youth with 50+ events
are requested in turn, RUNS rounds, through Django's test client in this process; medians of
the wall time and of this thread's CPU time (time.thread_time: other processes' load does not
inflate it the way it inflates wall time), and the queries."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def main() -> int:
    root, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sys.path.insert(0, root + "/bench")
    sys.path.insert(0, root + "/src")
    import run as bench  # ROOT's bench/run.py

    data = bench.choose_dataset(1)
    bench.configure_environment(data)
    bench.ensure_dataset(data, rebuild=False)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    import harborline
    from harborline.people.models import User

    assert harborline.__file__.startswith(root), harborline.__file__  # noqa: S101
    lead = bench.pick_case_users(1)[0]
    account = User.objects.get(email=lead.email)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(account)
    session = client.session
    device = TOTPDevice.objects.get(user=account, confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    pages = {
        "session": "/session/",
        "case_list": "/cases/",
        "case_small": f"/cases/{lead.small}/",
        "case_big": f"/cases/{lead.big}/",
    }
    if getattr(lead, "timeline", 0):  # a ROOT whose bench/run.py picks a timeline case
        pages["timeline"] = f"/cases/{lead.timeline}/timeline/"
    for path in pages.values():
        assert client.get(path).status_code == 200, path  # noqa: S101 - warm-up
    rows: dict[str, list[tuple[float, float, int]]] = {name: [] for name in pages}
    for _ in range(runs):
        for name, path in pages.items():
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.thread_time()
                response = client.get(path)
                cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            assert response.status_code == 200  # noqa: S101
            rows[name].append((wall * 1000, cpu * 1000, len(queries)))
    medians = {
        name: (
            statistics.median(r[0] for r in measured),
            statistics.median(r[1] for r in measured),
            min(r[2] for r in measured),
        )
        for name, measured in rows.items()
    }
    base_wall, base_cpu, _ = medians["session"]
    result: dict[str, object] = {
        name: {
            "path": pages[name],
            "queries": queries_min,
            "wall_ms": round(wall_ms, 2),
            "cpu_ms": round(cpu_ms, 2),
            "wall_ratio": round(wall_ms / base_wall, 2),
            "cpu_ratio": round(cpu_ms / base_cpu, 2),
        }
        for name, (wall_ms, cpu_ms, queries_min) in medians.items()
    }
    result["_meta"] = {
        # The tree measured, by its folder name only (no paths of the machine in results).
        "root": Path(str(root)).name,
        "runs": runs,
        "as": f"{lead.role} of {lead.organization}",
        "small": [lead.small, lead.small_notes],
        "big": [lead.big, lead.big_notes],
        "timeline": [getattr(lead, "timeline", 0), getattr(lead, "timeline_events", 0)],
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
    for name, entry in result.items():
        print(name, entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
