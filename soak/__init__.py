"""The soak test (issue 6): ``make soak`` / ``make soak-short``, see ``soak/run.py``."""
