"""Who is told what by e-mail when something happens to a referral (issue 5, SPEC §4).

- the training unit: a referral sent to the unit, or withdrawn from it — at the addresses the
  unit gave for its notifications ("Dane jednostki", :mod:`training`), else its staff;
- the voivodeship office (UW and Wojewoda): the unit's decision;
- the applicant (the e-mail on the application): the referral sent, and every decision
  (the unit's acceptance, rejection or non-commencement, the office's non-commencement).

The receiver runs inside the action's transaction (``referral_event`` is sent after the
history event), so the outbox rows commit or roll back with the action; the e-mails are sent
by the background task after the commit (:mod:`smk.notifications`).

Importing this module connects the receiver (``ReferralsConfig.ready`` imports it).
"""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.models import InstitutionKind, Role, User
from referrals.models import ReferralStatus
from referrals.signals import referral_event
from smk.notifications import absolute_url, queue_email
from training.queries import notification_addresses

EMAIL_TEMPLATES = "referrals/email/"

#: The unit's decisions the office is told about.
UNIT_DECISIONS = frozenset({"referral.accepted", "referral.rejected", "referral.unit_not_started"})
#: Decisions the applicant is told about: the unit's and the office's non-commencement.
APPLICANT_DECISIONS = UNIT_DECISIONS | {"referral.not_started"}


def _addresses(**profile_lookups) -> list[str]:
    """E-mail addresses of active people with a profile matching ``profile_lookups``.

    The lookups go into one ``filter()`` call, so they must all hold for the same profile; a
    blocked profile gets nothing.
    """
    profile_lookups["blocked_at__isnull"] = True
    return list(
        User.objects.filter(
            is_active=True, **{f"profiles__{key}": value for key, value in profile_lookups.items()}
        )
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def unit_staff_addresses(unit_id: int) -> list[str]:
    """The staff of a training unit (role Jednostka szkoleniowa)."""
    return _addresses(
        kind=InstitutionKind.TRAINING_UNIT, unit_id=unit_id, roles__role=Role.UNIT_STAFF
    )


def unit_addresses(unit_id: int) -> list[str]:
    """Where the unit's e-mails go: the addresses it gave for notifications, when it gave
    any (its data, ``zapiszDaneMus``), else its staff."""
    return notification_addresses(unit_id) or unit_staff_addresses(unit_id)


def office_addresses(voivodeship_id: int) -> list[str]:
    """The UW clerks and the Wojewoda's staff of a voivodeship."""
    return _addresses(
        kind=InstitutionKind.VOIVODESHIP_OFFICE,
        voivodeship_id=voivodeship_id,
        roles__role__in=[Role.UW, Role.WOJEWODA],
    )


def _context(referral, event, **extra) -> dict:
    return {
        "referral": referral,
        "application": referral.application,
        "event": event,
        "data": event.data if event is not None else {},
        "site_url": absolute_url(),
        **extra,
    }


def _reason(action: str, referral) -> str:
    return f"{action} #{referral.pk}"


def _notify_unit(referral, action, event) -> None:
    if referral.unit_id is None:
        return
    if action == "referral.sent":
        subject = _("Nowe skierowanie na specjalizację nr %(number)s")
        template = "unit_sent.txt"
        url = absolute_url("referrals:unit_referral_detail", referral.pk)
    else:
        subject = _("Wycofanie skierowania nr %(number)s")
        template = "unit_withdrawn.txt"
        # A withdrawn referral is no longer visible to the unit: link to its list instead.
        url = absolute_url("referrals:unit_referral_list")
    queue_email(
        unit_addresses(referral.unit_id),
        subject % {"number": referral.number},
        template=EMAIL_TEMPLATES + template,
        context=_context(
            referral,
            event,
            url=url,
            from_unit_decision=event is not None and event.old_status == ReferralStatus.NOT_STARTED,
        ),
        reason=_reason(action, referral),
    )


def _notify_office(referral, action, event) -> None:
    replacement = getattr(referral, "replaced_by", None) if action == "referral.rejected" else None
    queue_email(
        office_addresses(referral.voivodeship_id),
        _("Decyzja jednostki szkoleniowej w sprawie skierowania nr %(number)s: %(decision)s")
        % {"number": referral.number, "decision": referral.get_decision_display()},
        template=EMAIL_TEMPLATES + "office_decided.txt",
        context=_context(
            referral,
            event,
            action=action,
            url=absolute_url("referrals:referral_form", referral.pk),
            replacement=replacement,
            replacement_url=(
                absolute_url("referrals:referral_form", replacement.pk) if replacement else ""
            ),
        ),
        reason=_reason(action, referral),
    )


def _notify_applicant(referral, action, event) -> None:
    if action == "referral.sent":
        subject = _("Skierowanie na specjalizację nr %(number)s zostało wysłane do jednostki")
        template = "applicant_sent.txt"
    else:
        subject = _("Decyzja w sprawie skierowania na specjalizację nr %(number)s")
        template = "applicant_decided.txt"
    queue_email(
        [referral.application.email],
        subject % {"number": referral.number},
        template=EMAIL_TEMPLATES + template,
        context=_context(referral, event, action=action, url=absolute_url()),
        reason=_reason(action, referral),
    )


@receiver(referral_event, dispatch_uid="referrals.notifications.notify_about_referral")
def notify_about_referral(sender, *, referral, action, event=None, **kwargs) -> None:
    if action in ("referral.sent", "referral.withdrawn"):
        _notify_unit(referral, action, event)
    if action in UNIT_DECISIONS:
        _notify_office(referral, action, event)
    if action == "referral.sent" or action in APPLICANT_DECISIONS:
        _notify_applicant(referral, action, event)
