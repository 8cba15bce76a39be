"""Page routes for missing and runaway episodes, crisis events and placements (names in the
`web:` namespace)."""

from django.urls import URLPattern, path

from .views import missing as m

urlpatterns: list[URLPattern] = [
    path("cases/<int:case_id>/missing/", m.episodes, name="missing_episodes"),
    path("cases/<int:case_id>/missing/new", m.episode_new, name="missing_episode_new"),
    path("missing/<int:episode_id>/", m.episode_detail, name="missing_episode"),
    path("missing/<int:episode_id>/report", m.episode_report, name="missing_report"),
    path("missing/<int:episode_id>/effort", m.episode_effort, name="missing_effort"),
    path("missing/<int:episode_id>/return", m.episode_return, name="missing_return"),
    path("missing/<int:episode_id>/debrief", m.episode_debrief, name="missing_debrief"),
    path("cases/<int:case_id>/runaway-prevention/", m.prevention, name="runaway_prevention"),
    path("cases/<int:case_id>/events/", m.crisis_events, name="crisis_events"),
    path("cases/<int:case_id>/events/new", m.crisis_event_new, name="crisis_event_new"),
    path("cases/<int:case_id>/placements/", m.placement_history, name="placements"),
    path("cases/<int:case_id>/placements/new", m.placement_new, name="placement_new"),
    path("placements/<int:placement_id>/end", m.placement_end, name="placement_end"),
]
