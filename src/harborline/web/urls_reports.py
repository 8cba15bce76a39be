"""Page routes for the outcome dashboards (names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import reports_dashboards as d

urlpatterns: list[URLPattern] = [
    path("reports/dashboards/", d.dashboard, name="dashboards"),
    path("reports/dashboards/<slug:table>/export", d.export, name="dashboard_export"),
]
