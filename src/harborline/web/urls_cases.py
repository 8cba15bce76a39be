"""Page routes for cases (included in web/urls.py, names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import (
    cases_glass,
    cases_list,
    cases_meetings,
    cases_obligations,
    cases_page,
    cases_record,
    cases_screening,
    cases_share_wizard,
    cases_sharing,
    cases_team,
    printouts,
    warning_signs,
)

urlpatterns: list[URLPattern] = [
    path("cases/", cases_list.case_list, name="case_list"),
    path("cases/new", cases_list.case_new, name="case_new"),
    path("cases/break-glass", cases_glass.break_glass, name="break_glass"),
    path("cases/break-glass/reviews", cases_glass.reviews, name="break_glass_reviews"),
    path(
        "cases/break-glass/reviews/<int:glass_id>",
        cases_glass.review,
        name="break_glass_review",
    ),
    path("cases/<int:case_id>/", cases_page.case_detail, name="case_detail"),
    path("cases/<int:case_id>/identity", cases_record.case_identity, name="case_identity"),
    path("cases/<int:case_id>/placement", cases_record.case_placement, name="case_placement"),
    path("cases/<int:case_id>/notes", cases_record.case_note, name="case_note"),
    path("cases/<int:case_id>/references", cases_record.case_reference, name="case_reference"),
    path("cases/<int:case_id>/team", cases_team.case_team_add, name="case_team_add"),
    path("cases/<int:case_id>/status", cases_record.case_status, name="case_status"),
    path(
        "cases/<int:case_id>/team/<int:member_id>/remove",
        cases_team.case_team_remove,
        name="case_team_remove",
    ),
    path(
        "cases/<int:case_id>/obligations/<int:obligation_id>/complete",
        cases_obligations.obligation_complete,
        name="obligation_complete",
    ),
    path(
        "cases/<int:case_id>/obligations/<int:obligation_id>/waive",
        cases_obligations.obligation_waive,
        name="obligation_waive",
    ),
    path(
        "cases/<int:case_id>/obligations/<int:obligation_id>/assign",
        cases_obligations.obligation_assign,
        name="obligation_assign",
    ),
    path("cases/<int:case_id>/screen", cases_screening.case_screen, name="case_screen"),
    path(
        "cases/<int:case_id>/warning-sign",
        warning_signs.case_warning_sign,
        name="case_warning_sign",
    ),
    path(
        "cases/<int:case_id>/screenings/<int:screening_id>",
        cases_screening.screening_result,
        name="case_screening",
    ),
    path("cases/<int:case_id>/meetings/new", cases_meetings.case_meeting, name="case_meeting"),
    path("cases/<int:case_id>/sharing", cases_sharing.sharing, name="case_sharing"),
    path(
        "cases/<int:case_id>/sharing/new/",
        cases_share_wizard.share_wizard_start,
        name="share_wizard_start",
    ),
    path(
        "cases/<int:case_id>/sharing/new/<slug:step>",
        cases_share_wizard.share_wizard,
        name="share_wizard",
    ),
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
    # The consent form for the youth and the family, English or Spanish (decision 0064).
    path(
        "cases/<int:case_id>/sharing/consents/<int:consent_id>/form",
        printouts.consent_form,
        name="consent_form",
    ),
    path(
        "cases/<int:case_id>/sharing/consents/<int:consent_id>/form.pdf",
        printouts.consent_form_pdf,
        name="consent_form_pdf",
    ),
    path(
        "cases/<int:case_id>/sharing/consent-form",
        printouts.blank_consent_form,
        name="blank_consent_form",
    ),
    path(
        "cases/<int:case_id>/sharing/consent-form.pdf",
        printouts.blank_consent_form_pdf,
        name="blank_consent_form_pdf",
    ),
    path("obligations/", cases_obligations.obligations, name="obligations"),
]
