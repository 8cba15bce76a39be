"""Where a case page's time goes, in this process, against `make bench`'s data set (issue 11).

    .venv/bin/python bench/profile_case.py [--runs 30] [--seed 1] [--top 25] [--cprofile]

Signs in (in process, Django's test client) as the lead caseworker of the biggest case, exactly
as bench/run.py's in-process count does, then for /session/, /cases/, the small case page and
the biggest case page prints the median of --runs requests: queries, SQL time, decryptions,
the time spent rendering templates, and the rest (middleware, view code, selectors). For the
case pages it then lists the template nodes that cost the most (exclusive time per request,
by template and line: an `{% include %}`, a `{% url %}`, a form field, a loop; a Jinja2
template, the case page's body, as one line), so a change is aimed at what the profile shows.
--cprofile [case_small|case_big|case_list] adds Python's profile of one page (--sort tottime
for the functions' own time).

Needs the cached data set (`make bench` builds it into bench/cache/)."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402 - bench/run.py, beside this file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--cprofile",
        nargs="?",
        const="case_big",
        choices=["case_small", "case_big", "case_list"],
        help="add Python's profile of one page (default the biggest case page)",
    )
    parser.add_argument("--sort", default="cumulative", help="pstats order (tottime, cumulative)")
    args = parser.parse_args(argv)

    data = bench.choose_dataset(args.seed)
    bench.configure_environment(data)
    import django

    django.setup()
    if not data.meta_path.exists():
        print("No cached data set: run `make bench` (or bench/run.py) once first.")
        return 2
    if not bench._migrations_current():
        # A migration added since the data set was built (columns with defaults): apply it
        # rather than rebuild.
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)

    import jinja2
    from django.db import connection
    from django.template import base as template_base
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from harborline.crypto import fields
    from harborline.people.models import User

    lead = bench.pick_case_users(1)[0]
    account = User.objects.get(email=lead.email)
    client = Client(HTTP_HOST=bench.HOST)
    client.force_login(account)
    session = client.session
    device = TOTPDevice.objects.get(user=account, confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    print(
        f"As {lead.role} of {lead.organization}: small case {lead.small} ({lead.small_notes} "
        f"notes), biggest case {lead.big} ({lead.big_notes} notes); median of {args.runs} runs."
    )

    # Template nodes, timed inclusive; exclusive = inclusive minus the nodes rendered inside.
    nodes: dict[tuple[str, int, str], list[float]] = defaultdict(lambda: [0.0, 0])
    stack: list[float] = []
    clock = {"template": 0.0, "depth": 0, "decrypt": 0.0, "decrypted": 0, "jinja": 0}
    original_render = template_base.Node.render_annotated
    original_jinja = jinja2.Template.render
    original_decrypt = fields.decrypt

    def timed_render(self: Any, context: Any) -> Any:
        stack.append(0.0)
        clock["depth"] += 1
        began = time.perf_counter()
        try:
            return original_render(self, context)
        finally:
            spent = time.perf_counter() - began
            clock["depth"] -= 1
            inner = stack.pop()
            if stack:
                stack[-1] += spent
            elif not clock["jinja"]:  # a Django partial inside a Jinja2 body counts there
                clock["template"] += spent
            origin = getattr(self, "origin", None)
            token = getattr(self, "token", None)
            key = (
                getattr(origin, "template_name", None) or "?",
                getattr(token, "lineno", 0) or 0,
                type(self).__name__,
            )
            nodes[key][0] += spent - inner
            nodes[key][1] += 1

    def timed_jinja(self: Any, *args: Any, **kwargs: Any) -> str:
        """A Jinja2 template (the case page's body, decision 0066), timed whole."""
        clock["jinja"] += 1
        began = time.perf_counter()
        try:
            return original_jinja(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - began
            clock["jinja"] -= 1
            if not clock["jinja"]:
                clock["template"] += spent
            key = (self.name or "?", 0, "Jinja2 template, whole")
            nodes[key][0] += spent
            nodes[key][1] += 1

    def counting_decrypt(stored: str) -> str:
        began = time.perf_counter()
        try:
            return original_decrypt(stored)
        finally:
            clock["decrypt"] += time.perf_counter() - began
            clock["decrypted"] += 1

    template_base.Node.render_annotated = timed_render  # type: ignore[method-assign]
    jinja2.Template.render = timed_jinja  # type: ignore[method-assign]
    fields.decrypt = counting_decrypt  # type: ignore[assignment]
    pages = {
        "session": "/session/",
        "case_list": "/cases/",
        "case_small": f"/cases/{lead.small}/",
        "case_big": f"/cases/{lead.big}/",
    }
    try:
        baseline = 0.0
        for name, path in pages.items():
            client.get(path)  # warm-up
            rows = []
            nodes.clear()
            for _ in range(args.runs):
                clock.update(template=0.0, decrypt=0.0, decrypted=0)
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(path)
                    total = time.perf_counter() - began
                assert response.status_code == 200, (path, response.status_code)
                sql = sum(float(q["time"]) for q in queries.captured_queries)
                rows.append((total, len(queries), sql, clock["template"], clock["decrypt"]))
                decrypted = clock["decrypted"]
            ms = statistics.median(r[0] for r in rows) * 1000
            baseline = baseline or ms
            template_ms = statistics.median(r[3] for r in rows) * 1000
            sql_ms = statistics.median(r[2] for r in rows) * 1000
            print(
                f"\n{name:<11} {path:<16} {ms:6.1f} ms ({ms / baseline:4.1f}x /session/)  "
                f"queries {min(r[1] for r in rows)}  sql {sql_ms:.1f} ms  "
                f"decrypted {decrypted} ({statistics.median(r[4] for r in rows) * 1000:.1f} ms)  "
                f"templates {template_ms:.1f} ms  rest {ms - template_ms - sql_ms:.1f} ms"
            )
            if name.startswith("case_"):
                top = sorted(nodes.items(), key=lambda kv: -kv[1][0])[: args.top]
                for (template, line, kind), (spent, count) in top:
                    print(
                        f"    {spent / args.runs * 1000:6.2f} ms  {count // args.runs:4d}x  "
                        f"{template}:{line} {kind}"
                    )
        if args.cprofile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.runs):
                client.get(pages[args.cprofile])
            profile.disable()
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top + 15)
    finally:
        template_base.Node.render_annotated = original_render  # type: ignore[method-assign]
        jinja2.Template.render = original_jinja  # type: ignore[method-assign]
        fields.decrypt = original_decrypt  # type: ignore[assignment]
    return 0


if __name__ == "__main__":
    sys.exit(main())
