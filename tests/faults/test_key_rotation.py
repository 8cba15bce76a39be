"""A key rotation in the middle of traffic loses no read and no write: the server runs with the
new key first and the old one second (the documented first step), `harborline rotate-keys` runs
while people read cases and edit one; every read answers 200 with exactly what it answered
before, the edits made during the rotation are all there, and afterwards a server with only
the new key reads everything."""

from __future__ import annotations

import itertools
import subprocess
import threading
import time
from collections import Counter
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from .conftest import (
    BIN,
    FIELD_KEY,
    ROOT,
    PrivateCluster,
    api_token,
    demo_email,
    dump,
    harborline,
    make_site,
    serve,
)

pytestmark = pytest.mark.faults

NEW_KEY = Fernet.generate_key().decode()


def _cases(site: Any, email: str, count: int) -> list[int]:
    rows = site.query(
        "SELECT c.id FROM cases_case c JOIN people_membership m ON m.organization_id = c.owner_id "
        "JOIN people_user u ON u.id = m.user_id WHERE u.email = %s ORDER BY c.id LIMIT %s",
        (email, count),
    )
    return [int(r[0]) for r in rows]


def test_a_key_rotation_under_traffic_loses_no_read_and_no_write(cluster: PrivateCluster) -> None:
    site = make_site(cluster, "keys")
    email = demo_email("caseworker")
    edited, *read = _cases(site, email, 8)
    assert read, "the demo data has cases for the caseworker's organization"
    both = {**site.env, "HARBORLINE_FIELD_KEYS": f"{NEW_KEY},{FIELD_KEY}"}
    site.env = both
    server, base = serve(site)
    token = api_token(site, email)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
            before = {case: api.get(f"/api/v1/cases/{case}").json() for case in read}
        assert all("sections" in body for body in before.values()), dump(before)

        stop = threading.Event()
        reads: Counter[str] = Counter()
        mismatches: list[Any] = []
        names: list[str] = []  # first names the editor saved, in order
        lock = threading.Lock()

        def reader(offset: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
                for case in itertools.islice(itertools.cycle(read), offset, None):
                    if stop.is_set():
                        return
                    response = api.get(f"/api/v1/cases/{case}")
                    with lock:
                        reads[str(response.status_code)] += 1
                        if response.status_code != 200 or response.json() != before[case]:
                            mismatches.append((case, response.status_code, response.text[:300]))

        def editor() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
                for n in itertools.count(1):
                    if stop.is_set():
                        return
                    version = api.get(f"/api/v1/cases/{edited}").json()["version"]
                    name = f"Rotation{n}"
                    response = api.patch(
                        f"/api/v1/cases/{edited}/youth",
                        json={"version": version, "first_name": name, "aliases": [name]},
                    )
                    with lock:
                        if response.status_code == 200:
                            names.append(name)
                        else:
                            mismatches.append((edited, response.status_code, response.text[:300]))

        threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(3)]
        threads.append(threading.Thread(target=editor, daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(1)
        rotated = subprocess.run(
            [str(BIN / "harborline"), "rotate-keys", "--batch-size", "25"],
            env=both,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            check=False,
        )
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert rotated.returncode == 0, rotated.stdout + rotated.stderr
        assert "re-encrypted" in rotated.stdout
        assert not mismatches, dump(mismatches[:5])
        assert reads["200"] > 20 and set(reads) == {"200"}, reads
        assert len(names) > 5, names
    finally:
        server.stop()

    # The old key removed: everything reads, and the last edit is what is stored.
    site.env = {**both, "HARBORLINE_FIELD_KEYS": NEW_KEY}
    again = harborline(site.env, "rotate-keys")
    assert ", 0 re-encrypted" in again, again
    server, base = serve(site)
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
            for case in read:
                response = api.get(f"/api/v1/cases/{case}")
                assert response.status_code == 200 and response.json() == before[case]
            youth = api.get(f"/api/v1/cases/{edited}").json()["sections"]["identity"]
        assert youth["first_name"] == names[-1], (youth, names[-3:])
        assert youth["aliases"] == [names[-1]]
    finally:
        server.stop()
