"""Writes of the public pages: a message from "Skontaktuj się z nami" into the outbox."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from smk.notifications import queue_email


@transaction.atomic(durable=True)
def send_contact_message(*, name: str, email: str, subject: str, message: str, user=None):
    """One e-mail to the operator (``OPERATOR_EMAIL``), sent by the outbox's worker with its
    retries; the sender's address is in the body, never a recipient (the form cannot be used
    to send mail to strangers)."""
    return queue_email(
        [settings.OPERATOR_EMAIL],
        _("Wiadomość ze strony %(site)s: %(subject)s")
        % {"site": settings.SITE_NAME, "subject": subject},
        template="portal/email/contact_message.txt",
        context={
            "name": name,
            "email": email,
            "subject": subject,
            "message": message,
            "account": user.email if user is not None and user.is_authenticated else "",
        },
        reason="portal.contact",
    )
