"""Page routes for training (included in web/urls.py, names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import training

urlpatterns: list[URLPattern] = [
    path("training/", training.index, name="training"),
    path("training/catalogue/<slug:pack>/", training.catalogue, name="training_catalogue"),
    path("training/events/new", training.event_new, name="training_event_new"),
    path("training/events/<int:event_id>/", training.event_detail, name="training_event"),
    path(
        "training/events/<int:event_id>/attendance",
        training.event_attendance,
        name="training_event_attendance",
    ),
    path(
        "training/events/<int:event_id>/checklist",
        training.event_checklist,
        name="training_event_checklist",
    ),
    path(
        "training/events/<int:event_id>/evaluate",
        training.event_evaluate,
        name="training_event_evaluate",
    ),
    path("training/people/<int:person_id>/", training.person_record, name="training_person"),
    path("training/compliance/", training.compliance_index, name="training_compliance"),
    path(
        "training/compliance/taskforce/<int:taskforce_id>/",
        training.compliance_taskforce,
        name="training_compliance_taskforce",
    ),
    path(
        "training/compliance/agency/<slug:slug>/",
        training.compliance_agency,
        name="training_compliance_agency",
    ),
    path(
        "training/compliance/county/<int:county_id>/",
        training.compliance_county,
        name="training_compliance_county",
    ),
    path(
        "training/compliance/region/<int:region_id>/",
        training.compliance_region,
        name="training_compliance_region",
    ),
    path("training/import", training.import_roster, name="training_import"),
    path("training/records/export", training.export_records, name="training_records_export"),
]
