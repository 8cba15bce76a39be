"""Page routes for agreements and the mentor-advocate program (names in the `web:` namespace)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
