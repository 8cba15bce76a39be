"""Page routes for safety assessments, safety plans and the service plan (names in `web:`)."""

from django.urls import URLPattern, path

from .views import plans as pl

urlpatterns: list[URLPattern] = [
    path("cases/<int:case_id>/plans/", pl.case_plans, name="case_plans"),
    path("cases/<int:case_id>/plans/outcome", pl.plan_outcome, name="plan_outcome"),
    path(
        "cases/<int:case_id>/plans/<slug:what>/new",
        pl.record_instrument,
        name="plan_record_instrument",
    ),
    path(
        "cases/<int:case_id>/plans/<int:plan_id>/tasks/<int:task_id>/done",
        pl.plan_task_done,
        name="plan_task_done",
    ),
    path(
        "cases/<int:case_id>/plans/<int:plan_id>/outcomes/<int:outcome_id>/status",
        pl.plan_outcome_status,
        name="plan_outcome_status",
    ),
    path("cases/<int:case_id>/plans/<int:plan_id>/sign", pl.plan_sign, name="plan_sign"),
    path("cases/<int:case_id>/plans/<int:plan_id>/review", pl.plan_review, name="plan_review"),
    path("safety-plans/<int:plan_id>/youth-copy", pl.youth_copy, name="safety_plan_youth_copy"),
    path(
        "safety-plans/<int:plan_id>/youth-copy.pdf",
        pl.youth_copy_pdf,
        name="safety_plan_youth_copy_pdf",
    ),
]
