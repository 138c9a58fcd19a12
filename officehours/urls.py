from django.urls import path

from . import views

urlpatterns = [
    path("", views.sessions, name="officehours_sessions"),
    path("time-zone/", views.zone_set, name="officehours_zone"),
    path("<int:pk>/book/", views.session_book, name="officehours_book"),
    path("<int:pk>/host/", views.session_host, name="officehours_host"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="officehours_cancel"),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="officehours_ics"),
    path("calendar-feed/", views.feed_manage, name="officehours_feed_manage"),
    path("calendar-feed/<str:token>.ics", views.feed, name="officehours_feed"),
]
