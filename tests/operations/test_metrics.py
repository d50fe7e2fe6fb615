"""/metrics: request latency by view and status, database time, the task queue, e-mails and
uploads, only for the addresses METRICS_ALLOWED_IPS allows."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from accounts import services
from accounts.institutions import Institution
from accounts.models import AttachmentState, Role
from smk.models import Notification, NotificationStatus
from tests.accounts.conftest import upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def scrape(client=None, address="127.0.0.1"):
    response = (client or Client()).get(reverse("metrics"), REMOTE_ADDR=address)
    return response, response.content.decode()


def value(page, name, **labels):
    """The sample ``name{labels}`` of the page (labels in any order), as a float."""
    for line in page.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match and all(f'{k}="{v}"' in (match.group(1) or "") for k, v in labels.items()):
            return float(match.group(2))
    raise AssertionError(f"{name} {labels} not in /metrics")


def test_a_request_is_counted_under_its_view_and_status():
    _response, before = scrape()
    try:
        seen = value(
            before, "smk_http_request_duration_seconds_count", view="healthz", status="200"
        )
    except AssertionError:
        seen = 0
    Client().get(reverse("healthz"))
    Client().get(reverse("healthz"))
    response, page = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    count = value(page, "smk_http_request_duration_seconds_count", view="healthz", status="200")
    assert count == seen + 2
    assert value(page, "smk_http_request_db_seconds_count", view="healthz") >= 2
    assert value(page, "smk_db_queries_total", view="healthz") >= 2


def test_an_unknown_path_is_counted_without_its_path():
    Client().get("/nie-ma-takiej-strony-12345")
    _response, page = scrape()
    assert "nie-ma-takiej-strony" not in page
    assert value(page, "smk_http_request_duration_seconds_count", view="<unmatched>", status="404")


def test_the_queue_depth_and_the_age_of_its_oldest_task():
    def task(status=TaskResultStatus.READY, run_after=None, minutes_ago=0):
        row = DBTaskResult.objects.create(
            status=status,
            task_path="smk.tasks.send_notification",
            args_kwargs={"args": [1], "kwargs": {}},
            backend_name="default",
            run_after=run_after or get_date_max(),
        )
        DBTaskResult.objects.filter(pk=row.pk).update(
            enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
        )

    task(minutes_ago=7)
    task(minutes_ago=1)
    task(run_after=timezone.now() + datetime.timedelta(hours=1), minutes_ago=30)  # a retry
    task(status=TaskResultStatus.RUNNING)
    _response, page = scrape()
    assert value(page, "smk_task_queue_depth", state="due") == 2
    assert value(page, "smk_task_queue_depth", state="deferred") == 1
    assert value(page, "smk_task_queue_depth", state="running") == 1
    assert 7 * 60 <= value(page, "smk_task_queue_oldest_age_seconds") < 8 * 60


def test_failed_emails_and_uploads_waiting_for_the_scanner(settings, tmp_path, mazowieckie):
    settings.MEDIA_ROOT = tmp_path
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", 9  # nothing listens: scan waits
    for status in (NotificationStatus.FAILED, NotificationStatus.FAILED, NotificationStatus.SENT):
        Notification.objects.create(recipient="a@example.pl", subject="S", body="B", status=status)
    requester = UserFactory()
    batch = services.submit_role_requests(
        user=requester,
        institution=Institution.office(mazowieckie),
        roles=[Role.UW],
        phone="+48600100200",
        email="kontakt@example.pl",
    )
    attachment = services.attach_signed_file(batch.pk, user=requester, upload=upload())
    assert attachment.state == AttachmentState.PENDING_SCAN
    _response, page = scrape()
    assert value(page, "smk_emails_failed") == 2
    assert value(page, "smk_uploads_waiting_for_scan") == 1


def test_a_scrape_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(30):
        Notification.objects.create(recipient="a@example.pl", subject="S", body="B")
    with django_assert_max_num_queries(6):
        scrape()


@pytest.mark.parametrize("address", ["10.20.30.40", "2001:db8::1"])
def test_other_addresses_get_404_and_no_figures(address):
    response, page = scrape(address=address)
    assert response.status_code == 404
    assert "smk_" not in page


def test_an_allowed_network_gets_the_metrics(settings):
    import ipaddress

    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    assert scrape(address="10.20.30.40")[0].status_code == 200
    assert scrape(address="127.0.0.1")[0].status_code == 404


def test_a_forged_forwarded_for_header_does_not_open_it():
    response = Client().get(
        reverse("metrics"), REMOTE_ADDR="10.20.30.40", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )
    assert response.status_code == 404
