"""Fixtures of the accounts tests: a requester, an administrator with TOTP, uploads."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts import reminders, services
from accounts.institutions import Institution
from accounts.models import Role
from smk.scanning import EICAR
from tests.conftest import log_in
from tests.factories import UserFactory, voivodeship

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"


def totp_code(secret: str, step_offset: int = 0) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), computed here and not by the library under test."""
    counter = int(time.time()) // 30 + step_offset
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def upload(name="wniosek-podpisany.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def eicar_pdf():
    return upload(content=PDF + EICAR)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def requester(db):
    return UserFactory(first_name="Zofia", last_name="Żółkiewska")


@pytest.fixture
def office_mazowieckie(mazowieckie):
    return Institution.office(mazowieckie)


@pytest.fixture
def submit(requester):
    """``submit(institution, roles, user=requester)``: requests saved through the service."""

    def make(institution, roles, user=None, phone="+48600100200", email="kontakt@example.pl"):
        return services.submit_role_requests(
            user=user or requester, institution=institution, roles=roles, phone=phone, email=email
        )

    return make


@pytest.fixture
def pending_uw_request(submit, office_mazowieckie):
    return submit(office_mazowieckie, [Role.UW]).requests.get()


@pytest.fixture
def totp_secret():
    return "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def mfa_administrator(administrator, totp_secret):
    """The central administrator with an authenticator app set up."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(administrator, totp_secret)
    return administrator


def _logged_in(client, user):
    """Log in without the after-login reminder (the reminder has tests of its own)."""
    log_in(client, user)
    session = client.session
    session.pop(reminders.SESSION_KEY, None)
    session.save()
    return client


@pytest.fixture
def client_of(client):
    """``client_of(user)``: the test client logged in as ``user``."""
    return lambda user: _logged_in(client, user)


@pytest.fixture
def own_client():
    """``own_client(user)``: a new test client logged in as ``user`` (several at once)."""
    return lambda user: _logged_in(Client(), user)


@pytest.fixture
def admin_client(own_client, mfa_administrator):
    return own_client(mfa_administrator)


def malopolskie_office():
    return Institution.office(voivodeship("małopolskie"))
