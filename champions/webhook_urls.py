"""The Discourse webhook's address, /webhooks/discourse/ (kept apart from /champions/: it is
public, signed by Discourse, and `portal` includes it by name without importing the app)."""

from django.urls import path

from .webhook import discourse_webhook

urlpatterns = [path("discourse/", discourse_webhook, name="discourse_webhook")]
