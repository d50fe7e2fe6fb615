"""Who is told what by e-mail about accreditation (issue 18), through the outbox: written in
the decision's transaction, sent by the background task after it commits
(:mod:`smk.notifications`).

- the unit (the addresses it gave for notifications, else its staff): each decision on its
  request, and a suspension or withdrawal of its accreditation;
- the office of the unit's voivodeship (UW and Wojewoda): an accreditation of a field
  suspended or withdrawn (its referrals' places), or expiring within
  :data:`reference.accreditations.EXPIRY_NOTICE_DAYS` days (``reminders``).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reference.models import Accreditation
from referrals.notifications import office_addresses, unit_addresses
from smk.notifications import absolute_url, queue_email

TEMPLATES = "accreditation/email/"

DECISION_SUBJECTS = {
    "accreditation_request.granted": gettext_lazy("Udzielono akredytacji — wniosek %(number)s"),
    "accreditation_request.refused": gettext_lazy(
        "Odmowa udzielenia akredytacji — wniosek %(number)s"
    ),
    "accreditation_request.asked_to_complete": gettext_lazy(
        "Wezwanie do uzupełnienia wniosku o akredytację %(number)s"
    ),
}


def _email(recipients, subject, template, context, reason) -> None:
    queue_email(
        recipients,
        subject,
        template=TEMPLATES + template,
        context={"site_url": absolute_url(), **context},
        reason=reason,
    )


def kind_of(accreditation) -> str:
    """The URL's segment for the accreditation's model ("dziedzina" or "staz")."""
    return "dziedzina" if isinstance(accreditation, Accreditation) else "staz"


def tell_unit_of_decision(request, event) -> None:
    _email(
        unit_addresses(request.unit_id),
        str(DECISION_SUBJECTS[event.action]) % {"number": request.number},
        "unit_decision.txt",
        {
            "request": request,
            "action": event.action,
            "data": event.data,
            "url": absolute_url("accreditation:unit_request_detail", request.pk),
        },
        f"{event.action} #{request.pk}",
    )


def tell_office_of_stop(accreditation, event) -> None:
    """A suspension or withdrawal: the unit always, the office when referrals are concerned
    (an accreditation of a field)."""
    suspended = event.action == "accreditation.suspended"
    subject = (
        _("Zawieszenie akredytacji: %(unit)s — %(subject)s")
        if suspended
        else _("Cofnięcie akredytacji: %(unit)s — %(subject)s")
    ) % {"unit": accreditation.unit.name, "subject": _subject(accreditation)}
    context = {
        "accreditation": accreditation,
        "subject": _subject(accreditation),
        "suspended": suspended,
        "data": event.data,
    }
    reason = f"{event.action} #{accreditation.pk}"
    unit_url = absolute_url(
        "accreditation:unit_accreditation_detail", kind_of(accreditation), accreditation.pk
    )
    _email(
        unit_addresses(accreditation.unit_id),
        subject,
        "stopped.txt",
        {**context, "url": unit_url},
        reason,
    )
    if isinstance(accreditation, Accreditation):
        office_url = absolute_url("units:unit_detail", accreditation.unit_id)
        _email(
            office_addresses(accreditation.unit.voivodeship_id),
            subject,
            "stopped.txt",
            {**context, "for_office": True, "url": office_url},
            reason,
        )


def tell_office_of_expiry(accreditation, days_left: int) -> None:
    _email(
        office_addresses(accreditation.unit.voivodeship_id),
        _("Akredytacja wygasa %(day)s: %(unit)s — %(field)s")
        % {
            "day": f"{accreditation.valid_to:%d.%m.%Y}",
            "unit": accreditation.unit.name,
            "field": accreditation.field.name,
        },
        "expiring.txt",
        {
            "accreditation": accreditation,
            "days_left": days_left,
            "url": absolute_url("units:unit_detail", accreditation.unit_id),
        },
        f"accreditation.expiring #{accreditation.pk}",
    )


def _subject(accreditation) -> str:
    if isinstance(accreditation, Accreditation):
        return accreditation.field.name
    return _("staż kierunkowy „%(name)s”") % {"name": accreditation.internship.name}
