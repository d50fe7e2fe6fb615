"""An Idempotency-Key lasts API_IDEMPOTENCY_HOURS (README "Integration API"), then it is
forgotten: a retry runs again, and ``prune_idempotency_keys`` frees the rows."""

import datetime
import io

from django.core.management import call_command

from api.models import IdempotencyRecord

LIST = "/api/v1/referrals/"


def age_every_key(hours):
    IdempotencyRecord.objects.update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=hours)
    )


def test_a_key_older_than_the_window_no_longer_replays_its_answer(unit_api, issued, settings):
    settings.API_IDEMPOTENCY_HOURS = 24
    first, second = issued(), issued()
    unit_api.post(f"{LIST}{first.pk}/accept/", {}, HTTP_IDEMPOTENCY_KEY="k-1")
    age_every_key(25)
    # The same key for another request: within the window 422, after it a new request.
    response = unit_api.post(f"{LIST}{second.pk}/accept/", {}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert response.json()["id"] == second.pk


def test_prune_idempotency_keys_deletes_only_the_expired_ones(unit_api, issued, settings):
    settings.API_IDEMPOTENCY_HOURS = 24
    old, recent = issued(), issued()
    unit_api.post(f"{LIST}{old.pk}/accept/", {}, HTTP_IDEMPOTENCY_KEY="old")
    age_every_key(25)
    unit_api.post(f"{LIST}{recent.pk}/accept/", {}, HTTP_IDEMPOTENCY_KEY="recent")
    out = io.StringIO()
    call_command("prune_idempotency_keys", stdout=out)
    assert "Deleted 1" in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
