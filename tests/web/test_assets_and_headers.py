"""Vendored front-end assets (no CDN, air-gapped), strict CSP, headers, cookies, hashing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

import harborline.config.settings as production
import harborline.web as web_pkg
from tests.factories import PASSWORD, UserFactory

WEB = Path(web_pkg.__file__).parent
STATIC = WEB / "static"
TEMPLATES = WEB / "templates"
E2E_VENDOR = Path(__file__).parent.parent / "e2e" / "vendor"


@pytest.mark.parametrize(
    ("folder", "package"),
    [
        (STATIC / "vendor" / "uswds", "@uswds/uswds 3.14.0"),
        (STATIC / "vendor" / "htmx", "htmx.org 2.0.11"),
        (E2E_VENDOR, "axe-core 4.14.1"),
    ],
)
def test_vendor_folders_have_licence_and_version(folder, package):
    assert (folder / "VERSION").read_text().startswith(package)
    assert any(p.name.startswith("LICENSE") for p in folder.iterdir())


def test_vendored_files_present_and_lean():
    for rel in [
        "vendor/uswds/css/uswds.min.css",
        "vendor/uswds/js/uswds.min.js",
        "vendor/uswds/js/uswds-init.min.js",
        "vendor/htmx/htmx.min.js",
    ]:
        assert (STATIC / rel).stat().st_size > 100, rel
    assert (E2E_VENDOR / "axe.min.js").stat().st_size > 100_000
    total = sum(p.stat().st_size for p in (STATIC / "vendor").rglob("*") if p.is_file())
    assert total < 3_000_000
    fonts = [p.suffix for p in (STATIC / "vendor" / "uswds" / "fonts").rglob("*") if p.is_file()]
    assert fonts and set(fonts) == {".woff2"}


def test_every_css_url_resolves():
    css = STATIC / "vendor" / "uswds" / "css" / "uswds.min.css"
    urls = {u.strip("'\"") for u in re.findall(r"url\(([^)]*)\)", css.read_text())}
    local = [u for u in urls if u and not u.startswith("data:")]
    assert local, "the CSS references fonts and icons"
    missing = [u for u in local if not (css.parent / u.split("#")[0].split("?")[0]).is_file()]
    assert missing == []
    assert "sourceMappingURL" not in css.read_text()


def test_templates_have_no_cdn_inline_script_or_style():
    for path in [*TEMPLATES.rglob("*.html"), *(WEB / "jinja2").rglob("*.html")]:
        text = path.read_text()
        assert "style=" not in text, path
        assert "<style" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path
        assert " on" + "click=" not in text.lower(), path


def test_collectstatic_with_hashed_manifest(tmp_path, settings):
    """whitenoise's manifest storage rewrites every url() in the CSS and fails on a missing one."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()


@pytest.mark.django_db
def test_csp_is_strict_and_frames_denied(client):
    response = client.get("/login")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # htmx must not inject its indicator <style> element (blocked by the CSP anyway).
    assert b'"includeIndicatorStyles":false' in response.content


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly(client):
    UserFactory(role="analyst", email="ana@example.org")
    response = client.post("/login", {"username": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
    login_page = client.get("/login?next=/")
    csrf = login_page.cookies.get("csrftoken") or response.cookies.get("csrftoken")
    if csrf is not None:
        assert csrf["httponly"]
    from django.conf import settings

    assert settings.CSRF_COOKIE_HTTPONLY and settings.SESSION_COOKIE_HTTPONLY


def test_production_settings_hash_with_argon2_first():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    encoded = Argon2PasswordHasher().encode("a long enough passphrase", "saltsaltsalt")
    assert encoded.startswith("argon2$")
    assert Argon2PasswordHasher().verify("a long enough passphrase", encoded)
