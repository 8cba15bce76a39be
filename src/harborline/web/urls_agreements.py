"""Page routes for agreements and the mentor-advocate program (names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import agreements as ag
from .views import mentoring as mt

urlpatterns: list[URLPattern] = [
    path("agreements/", ag.agreement_list, name="agreements"),
    path("agreements/add", ag.agreement_add, name="agreement_add"),
    path("agreements/duties", ag.dsa_duties, name="dsa_duties"),
    path("agreements/<int:pk>/", ag.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit", ag.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/checklist", ag.agreement_checklist, name="agreement_checklist"),
    path("agreements/<int:pk>/sign/<int:org_id>", ag.agreement_sign, name="agreement_sign"),
    path("agreements/<int:pk>/notice", ag.agreement_notice, name="agreement_notice"),
    path("agreements/<int:pk>/submission", ag.dsa_submission, name="dsa_submission"),
    path("agreements/<int:pk>/breach", ag.dsa_breach, name="dsa_breach"),
    path("agreements/<int:pk>/reporting-terms", ag.dsa_terms, name="dsa_terms"),
    path("agreements/<int:pk>/breach/<int:breach_id>/cure", ag.dsa_cure, name="dsa_cure"),
    path("agreements/<int:pk>/disposal", ag.dsa_disposal, name="dsa_disposal"),
    path("mentoring/", mt.roster, name="mentoring"),
    path("mentoring/add", mt.advocate_add, name="mentoring_add"),
    path("mentoring/on-call", mt.on_call, name="on_call"),
    path("mentoring/on-call/add", mt.shift_add, name="shift_add"),
    path("mentoring/on-call/<int:shift_id>/remove", mt.shift_remove, name="shift_remove"),
    path("mentoring/<int:pk>/", mt.advocate_detail, name="mentoring_detail"),
    path("mentoring/<int:pk>/edit", mt.advocate_edit, name="mentoring_edit"),
    path("mentoring/<int:pk>/supervision", mt.supervision_add, name="supervision_add"),
    path("mentoring/<int:pk>/readiness", mt.readiness_add, name="readiness_add"),
]
