from django.apps import AppConfig


class SmkConfig(AppConfig):
    name = "smk"
    verbose_name = "SMK"
