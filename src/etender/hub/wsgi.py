import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etender.hub.settings")
application = get_wsgi_application()

# Load the Chinese segmentation dictionary now, in each server process as it starts, instead of inside the
# first ingestion or search it serves (about 0.5 s): disclosure must reach the portal within a second.
from etender.hub.portal.segment import tokenizer  # noqa: E402

tokenizer()
