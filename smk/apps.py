from django.apps import AppConfig

from smk import text


class SmkConfig(AppConfig):
    name = "smk"
    verbose_name = "SMK"

    def ready(self):
        # Every form's text fields refuse control characters (smk/text.py says why here).
        text.install()
