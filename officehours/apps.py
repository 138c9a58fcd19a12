from django.apps import AppConfig


class OfficehoursConfig(AppConfig):
    name = "officehours"
    verbose_name = "Office hours"
