from django.urls import include, path

from harborline.api.urls import api
from harborline.web import views_errors
from harborline.web.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("harborline.web.urls")),
]

handler400 = views_errors.bad_request
handler403 = views_errors.forbidden
handler404 = views_errors.not_found
handler500 = views_errors.server_error
