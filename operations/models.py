"""One row per run of a scheduled job (:mod:`operations.jobs`): what the admin shows of the
scheduler, and what makes a job run once per period however many schedulers are running."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobOutcome(models.TextChoices):
    RUNNING = "trwa", _("trwa")
    SUCCEEDED = "ok", _("zakończone")
    FAILED = "blad", _("błąd")


class JobRun(models.Model):
    """A job's run for one period: the scheduler that inserts the row for (job, period) runs
    it; another one firing for the same period finds the row and skips."""

    job = models.CharField(_("zadanie"), max_length=64)
    period_start = models.DateTimeField(_("okres od"))
    started_at = models.DateTimeField(_("rozpoczęto"))
    finished_at = models.DateTimeField(_("zakończono"), null=True, blank=True)
    outcome = models.CharField(
        _("wynik"), max_length=8, choices=JobOutcome.choices, default=JobOutcome.RUNNING
    )
    #: What the job reported (its command's output), or the error.
    message = models.TextField(_("komunikat"), blank=True)
    #: The scheduler that ran it: host name and process id.
    runner = models.CharField(_("harmonogram"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("uruchomienie zadania okresowego")
        verbose_name_plural = _("uruchomienia zadań okresowych")
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="one_run_per_period")
        ]
        indexes = [models.Index(fields=["job", "-started_at"])]

    def __str__(self):
        return f"{self.job} {self.period_start:%Y-%m-%d %H:%M}"
