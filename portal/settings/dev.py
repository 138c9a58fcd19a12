"""The embedded profile for a laptop: `make run`. Never for a server."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "django-insecure-dev-only-key-never-use-in-production")  # noqa: S105
PORTAL_ALLOW_DEMO_DATA = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
