from django.urls import path

from . import views

urlpatterns = [
    path("", views.pilot, name="rollout_pilot"),
    path("pulse/", views.pulse, name="rollout_pulse"),
]
