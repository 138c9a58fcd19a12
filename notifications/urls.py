from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="notifications_inbox"),
    path("bell/", views.bell, name="notifications_bell"),
    path("read/", views.read_all, name="notifications_read_all"),
    path("settings/", views.settings_page, name="notifications_settings"),
    path("go/<str:token>/", views.go, name="notifications_go"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications_unsubscribe"),
    path("slack/actions/", views.slack_actions, name="notifications_slack_actions"),
    path("teams/messages/", views.teams_messages, name="notifications_teams_messages"),
]
