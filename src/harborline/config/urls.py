from django.urls import include, path

from harborline.api.urls import api
from harborline.config import db_outage
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
# A database outage is a 503 with Retry-After (problem+json under /api/, a "try again" page
# elsewhere); any other uncaught error is the 500 page (config/db_outage.py).
handler500 = db_outage.server_error
db_outage.install(api)
