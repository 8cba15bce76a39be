"""Page routes for the service directory (names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import directory as d

urlpatterns: list[URLPattern] = [
    path("directory/", d.directory, name="directory"),
    path("directory/services/<int:pk>/", d.service, name="directory_service"),
    path("directory/services/<int:pk>/facts", d.service_facts, name="directory_service_facts"),
]
