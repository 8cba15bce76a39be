"""Page routes for the service directory and referrals (names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import directory as d
from .views import help as h
from .views import network as n
from .views import printouts as p
from .views import referrals as r

urlpatterns: list[URLPattern] = [
    path("help/hotlines", h.hotlines, name="hotlines"),
    path("directory/", d.directory, name="directory"),
    path("directory/import", d.import_package, name="directory_import"),
    path("directory/gaps/", d.gap_analysis, name="directory_gaps"),
    path("directory/import/confirm", d.import_confirm, name="directory_import_confirm"),
    path("directory/services/<int:pk>/", d.service, name="directory_service"),
    path("directory/services/<int:pk>/facts", d.service_facts, name="directory_service_facts"),
    path("directory/providers/<int:pk>/", d.provider, name="directory_provider"),
    path("directory/providers/<int:pk>/assess", d.provider_assess, name="provider_assess"),
    path(
        "directory/providers/<int:pk>/assessments/<int:assessment_id>/review",
        d.assessment_review,
        name="assessment_review",
    ),
    path("cases/<int:case_id>/referrals/", r.case_referrals, name="case_referrals"),
    path("cases/<int:case_id>/referrals/to/<int:service_id>", r.refer, name="refer"),
    path("referrals/", r.referral_list, name="referrals"),
    path("referrals/<int:referral_id>/", r.referral, name="referral"),
    # Before the actions' route, which would take "handout" for an action name.
    path("referrals/<int:referral_id>/handout", p.referral_handout, name="referral_handout"),
    path(
        "referrals/<int:referral_id>/handout.pdf",
        p.referral_handout_pdf,
        name="referral_handout_pdf",
    ),
    path("referrals/<int:referral_id>/<str:action>", r.referral_act, name="referral_act"),
]

urlpatterns += [
    path(
        "taskforces/<int:taskforce_id>/interconnectedness/",
        n.overview,
        name="interconnectedness",
    ),
    path(
        "taskforces/<int:taskforce_id>/interconnectedness/rounds", n.open_round, name="survey_open"
    ),
    path(
        "taskforces/<int:taskforce_id>/interconnectedness/rounds/<int:round_id>/answer",
        n.answer,
        name="survey_answer",
    ),
]
