"""Page routes for taskforce (included in web/urls.py, names in the `web:` namespace)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
