"""The project package and shared base of the advocacy portal."""

from .celery import app as celery_app

__all__ = ["celery_app"]
