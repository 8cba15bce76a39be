"""Page route for the youth timeline (name in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import timeline

urlpatterns: list[URLPattern] = [
    path("cases/<int:case_id>/timeline/", timeline.page, name="case_timeline"),
]
