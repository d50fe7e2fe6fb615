from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from operations.jobs import BY_NAME, last_runs
from operations.models import JobRun
from smk.admin import ReadOnlyAdmin


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """The scheduled jobs: above the list, each job's last run and outcome; below, every run
    of the last 30 days, newest first."""

    change_list_template = "admin/operations/jobrun/change_list.html"
    list_display = ["job_label", "period_start", "started_at", "finished_at", "outcome", "runner"]
    list_filter = ["outcome", "job"]
    ordering = ["-started_at"]

    @admin.display(description=_("zadanie"), ordering="job")
    def job_label(self, obj):
        job = BY_NAME.get(obj.job)
        return f"{job.label} ({obj.job})" if job else obj.job

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "last_runs": last_runs()}
        return super().changelist_view(request, extra_context=extra_context)
