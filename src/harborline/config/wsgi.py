import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harborline.config.settings")

from harborline.config.checks import require_production_keys  # noqa: E402

application = get_wsgi_application()
require_production_keys()

from harborline.protocols.home import require_home_pack  # noqa: E402

require_home_pack()
