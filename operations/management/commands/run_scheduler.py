"""The scheduler service (``scheduler`` in docker-compose.yml, started by ``make demo``)."""

import signal

from django.core.management.base import BaseCommand, CommandError

from operations import jobs, scheduler


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (README, 'Scheduled jobs'): once per period however many "
        "schedulers run. --run-now JOB runs one job for the current period and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--run-now", metavar="JOB", choices=sorted(jobs.BY_NAME))
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")

    def handle(self, *args, run_now, list, **options):
        if list:
            for job in jobs.JOBS:
                cron = " ".join(f"{key}={value}" for key, value in job.cron.items())
                self.stdout.write(f"{job.name:32} {cron:24} {job.label}")
            return
        if run_now:
            job_run = jobs.run(jobs.BY_NAME[run_now])
            if job_run is None:
                self.stdout.write(f"{run_now}: this period ran already")
            elif job_run.outcome != "ok":
                raise CommandError(f"{run_now} failed: {job_run.message}")
            else:
                self.stdout.write(f"{run_now}: {job_run.message.strip()}")
            return
        running = scheduler.build()
        # docker stop sends SIGTERM: let the job that runs finish, then leave.
        signal.signal(signal.SIGTERM, lambda *_: running.shutdown(wait=False))
        self.stdout.write(f"Scheduler started: {len(jobs.JOBS)} jobs.")
        running.start()
