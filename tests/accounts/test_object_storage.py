"""Uploads on S3-compatible object storage (issue 21, item 3), against moto's S3 server on
127.0.0.1: the signed scan lands in the private bucket, not on this server's disk, and goes out
only through the view that checks whose it is; the rescan and the removal work on the bucket."""

import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer

from accounts import services
from accounts.models import AttachmentState, Role, RoleRequestAttachment
from tests.accounts.conftest import PDF, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUCKET = "smk-uploads"
KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_server, **KEYS}
            | {"region_name": "us-east-1", "file_overwrite": False},
        }
    }
    yield s3
    for stored in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=stored["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def keys_in(s3):
    return [stored["Key"] for stored in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture
def batch(submit, office_mazowieckie):
    return submit(office_mazowieckie, [Role.UW])


def test_a_signed_scan_is_kept_in_the_bucket_and_not_on_this_servers_disk(
    client_of, requester, batch, bucket, settings
):
    client = client_of(requester)
    url = reverse("accounts:batch_attachments", args=[batch.pk])
    assert client.post(url, {"file": upload()}).status_code == 302

    attachment = RoleRequestAttachment.objects.get()
    assert keys_in(bucket) == [attachment.file.name]
    assert bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read() == PDF
    assert not list(Path(settings.MEDIA_ROOT).glob("**/*.pdf"))


def test_the_file_goes_out_only_through_the_view_that_checks_whose_it_is(
    client_of, own_client, requester, batch, bucket, s3_server
):
    attachment = services.attach_signed_file(batch.pk, user=requester, upload=upload())
    download = reverse("accounts:download_attachment", args=[attachment.pk])

    response = own_client(requester).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert own_client(UserFactory()).get(download).status_code == 404

    # Nobody reaches the object without the storage's credentials, and the site has no route
    # that serves the bucket.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server}/{BUCKET}/{attachment.file.name}", timeout=10)  # noqa: S310 - the local S3 server
    assert refused.value.code == 403
    assert own_client(requester).get(f"/media/{attachment.file.name}").status_code == 404


def test_two_files_of_the_same_name_are_both_kept(requester, batch, bucket):
    first = services.attach_signed_file(batch.pk, user=requester, upload=upload())
    second = services.attach_signed_file(batch.pk, user=requester, upload=upload())

    assert first.file.name != second.file.name
    assert sorted(keys_in(bucket)) == sorted([first.file.name, second.file.name])


def test_a_file_waiting_for_the_scanner_is_read_back_from_the_bucket_by_the_rescan(
    requester, batch, bucket, settings
):
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", 1  # nothing listens there
    services.attach_signed_file(batch.pk, user=requester, upload=upload())
    assert RoleRequestAttachment.objects.get().state == AttachmentState.PENDING_SCAN

    settings.CLAMD_HOST = ""  # the scanner is back (built-in)
    call_command("scan_pending_attachments", verbosity=0)

    assert RoleRequestAttachment.objects.get().state == AttachmentState.SAFE


def test_usun_removes_the_object_from_the_bucket(
    client_of, requester, batch, bucket, django_capture_on_commit_callbacks
):
    attachment = services.attach_signed_file(batch.pk, user=requester, upload=upload())
    with django_capture_on_commit_callbacks(execute=True):
        client_of(requester).post(reverse("accounts:delete_attachment", args=[attachment.pk]))

    assert not RoleRequestAttachment.objects.exists()
    assert keys_in(bucket) == []
