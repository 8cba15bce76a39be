"""Page routes for taskforce (included in web/urls.py, names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import taskforce as v

urlpatterns: list[URLPattern] = [
    path("taskforces/", v.taskforce_list, name="taskforce_list"),
    path("taskforces/calendar", v.taskforce_calendar, name="taskforce_calendar"),
    path("taskforces/calendar/<str:token>.ics", v.taskforce_ical, name="taskforce_ical"),
    path("taskforces/<int:taskforce_id>/", v.taskforce_home, name="taskforce_home"),
    path("taskforces/<int:taskforce_id>/members", v.taskforce_members, name="taskforce_members"),
    path(
        "taskforces/<int:taskforce_id>/members/<int:member_id>/",
        v.taskforce_member,
        name="taskforce_member",
    ),
    path(
        "taskforces/<int:taskforce_id>/members/<int:member_id>/end",
        v.taskforce_member_end,
        name="taskforce_member_end",
    ),
    path(
        "taskforces/<int:taskforce_id>/structure",
        v.taskforce_structure_page,
        name="taskforce_structure_page",
    ),
    path(
        "taskforces/<int:taskforce_id>/structure/<slug:what>",
        v.taskforce_structure,
        name="taskforce_structure",
    ),
    path(
        "taskforces/<int:taskforce_id>/representation",
        v.taskforce_representation,
        name="taskforce_representation",
    ),
    path(
        "taskforces/<int:taskforce_id>/export/<slug:what>.<slug:fmt>",
        v.taskforce_export,
        name="taskforce_export",
    ),
    path(
        "taskforces/<int:taskforce_id>/import/members",
        v.taskforce_import,
        name="taskforce_import_members",
    ),
    path("taskforces/<int:taskforce_id>/meetings", v.taskforce_meetings, name="taskforce_meetings"),
    path(
        "taskforces/<int:taskforce_id>/meetings/<int:meeting_id>/",
        v.taskforce_meeting,
        name="taskforce_meeting",
    ),
    path(
        "taskforces/<int:taskforce_id>/meetings/<int:meeting_id>/import",
        v.taskforce_import,
        name="taskforce_import_sign_in",
    ),
    path(
        "taskforces/<int:taskforce_id>/meetings/<int:meeting_id>/<slug:what>",
        v.taskforce_meeting_update,
        name="taskforce_meeting_update",
    ),
    path(
        "taskforces/<int:taskforce_id>/actions/<int:item_id>/done",
        v.taskforce_action_done,
        name="taskforce_action_done",
    ),
    path("taskforces/<int:taskforce_id>/report", v.taskforce_report, name="taskforce_report"),
    path(
        "taskforces/<int:taskforce_id>/report/narrative",
        v.taskforce_report_narrative,
        name="taskforce_report_narrative",
    ),
    path(
        "taskforces/<int:taskforce_id>/report.pdf",
        v.taskforce_report_pdf,
        name="taskforce_report_pdf",
    ),
]
