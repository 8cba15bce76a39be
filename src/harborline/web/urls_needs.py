"""Page routes for the holistic needs assessment (names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import needs

urlpatterns: list[URLPattern] = [
    path("cases/<int:case_id>/needs/", needs.case_needs, name="case_needs"),
    path("cases/<int:case_id>/needs/new", needs.needs_record, name="needs_record"),
    path("needs-assessments/<int:assessment_id>/", needs.needs_version, name="needs_version"),
]
