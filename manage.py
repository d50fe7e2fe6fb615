#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk.settings")
    # Writing or checking migrations reads the models and signs nothing: it needs no production
    # secret (every other command refuses to start without SECRET_KEY when DEBUG is off).
    if sys.argv[1:2] == ["makemigrations"]:
        os.environ.setdefault("SECRET_KEY", "makemigrations-only-not-a-secret")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
