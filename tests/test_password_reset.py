import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_forgotten_password_is_reset_through_a_link_sent_by_email(client):
    user = UserFactory(email="zapominalska@example.pl")
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [user.email]
    link = re.search(r"https?://\S+", message.body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "Nowe-Haslo-2026!x", "password2": "Nowe-Haslo-2026!x"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nowe-Haslo-2026!x")


def test_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nikt@example.pl"})
    assert response.status_code == 302
    assert reverse("account_reset_password_done") in response.url
