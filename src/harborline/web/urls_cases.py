"""Page routes for cases (included in web/urls.py, names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import cases, cases_glass, cases_sharing

urlpatterns: list[URLPattern] = [
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new", cases.case_new, name="case_new"),
    path("cases/break-glass", cases_glass.break_glass, name="break_glass"),
    path("cases/break-glass/reviews", cases_glass.reviews, name="break_glass_reviews"),
    path(
        "cases/break-glass/reviews/<int:glass_id>",
        cases_glass.review,
        name="break_glass_review",
    ),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<int:case_id>/identity", cases.case_identity, name="case_identity"),
    path("cases/<int:case_id>/placement", cases.case_placement, name="case_placement"),
    path("cases/<int:case_id>/notes", cases.case_note, name="case_note"),
    path("cases/<int:case_id>/references", cases.case_reference, name="case_reference"),
    path("cases/<int:case_id>/team", cases.case_team_add, name="case_team_add"),
    path("cases/<int:case_id>/status", cases.case_status, name="case_status"),
    path(
        "cases/<int:case_id>/team/<int:member_id>/remove",
        cases.case_team_remove,
        name="case_team_remove",
    ),
    path(
        "cases/<int:case_id>/obligations/<int:obligation_id>/complete",
        cases.obligation_complete,
        name="obligation_complete",
    ),
    path(
        "cases/<int:case_id>/obligations/<int:obligation_id>/waive",
        cases.obligation_waive,
        name="obligation_waive",
    ),
    path("cases/<int:case_id>/screen", cases.case_screen, name="case_screen"),
    path(
        "cases/<int:case_id>/screenings/<int:screening_id>",
        cases.screening_result,
        name="case_screening",
    ),
    path("cases/<int:case_id>/meetings/new", cases.case_meeting, name="case_meeting"),
    path("cases/<int:case_id>/sharing", cases_sharing.sharing, name="case_sharing"),
    path("cases/<int:case_id>/sharing/shares", cases_sharing.share_create, name="share_create"),
    path(
        "cases/<int:case_id>/sharing/shares/<int:share_id>/end",
        cases_sharing.share_end,
        name="share_end",
    ),
    path(
        "cases/<int:case_id>/sharing/consents",
        cases_sharing.consent_create,
        name="consent_create",
    ),
    path(
        "cases/<int:case_id>/sharing/consents/<int:consent_id>/revoke",
        cases_sharing.consent_revoke,
        name="consent_revoke",
    ),
    path("obligations/", cases.obligations, name="obligations"),
]
