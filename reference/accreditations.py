"""What the accrediting body decides about an accreditation once granted (issue 18).

An accreditation is *in force* on a day when it is valid then (``valid_from`` … ``valid_to``)
and neither suspended nor withdrawn by that day. Only an accreditation in force gives places:
``.active()`` of every accreditation queryset means exactly this, so the free-place counters,
the unit chooser, the slot lists and the API follow a suspension or a withdrawal at once,
while the referrals already made keep the places they hold.

The state machine (django-fsm) is the abstract :class:`AccreditationState`: a unit's
accreditation in a field (:class:`reference.models.Accreditation`) and in an internship
(``accreditation.InternshipAccreditation``) share it. Its transitions are the accrediting
body's, and only the services of the ``accreditation`` app call them, under the row lock of
``referrals.places`` (a change must wait for assignments in flight, and they for it).
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from smk.scoping import Scope, ScopedQuerySet

#: The office is told this many days before an accreditation of its voivodeship expires.
EXPIRY_NOTICE_DAYS = 90


class AccreditationStatus(models.TextChoices):
    IN_FORCE = "w_mocy", _("w mocy")
    SUSPENDED = "zawieszona", _("zawieszona")
    WITHDRAWN = "cofnieta", _("cofnięta")


def in_force_on(day: datetime.date) -> Q:
    """Valid on ``day`` and neither suspended nor withdrawn from that day or earlier."""
    return (
        Q(valid_from__lte=day)
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & ~Q(suspended_from__lte=day)
        & ~Q(withdrawn_from__lte=day)
    )


class AccreditationStateQuerySet(ScopedQuerySet):
    voivodeship_lookup = "unit__voivodeship_id"
    unit_lookup = "unit_id"

    def active(self, day: datetime.date | None = None):
        """In force on ``day`` (today): what gives training places."""
        return self.filter(in_force_on(day or timezone.localdate()))

    def for_accrediting_body(self):
        # The accrediting body decides on every unit's accreditations.
        return self.all()

    def expiring(self, day: datetime.date | None = None, within_days: int = EXPIRY_NOTICE_DAYS):
        """In force on ``day`` and ending within ``within_days`` days of it."""
        day = day or timezone.localdate()
        return self.active(day).filter(
            valid_to__isnull=False, valid_to__lte=day + datetime.timedelta(days=within_days)
        )

    def stopped_since(self, since: datetime.date):
        """Withdrawn or (still) suspended from ``since`` or later (also from a day to come)."""
        return self.filter(
            Q(withdrawn_from__gte=since)
            | Q(status=AccreditationStatus.SUSPENDED, suspended_from__gte=since)
        )


# Permission of every transition: django-fsm passes the acting *profile* as its "user".
def by_accrediting_body(accreditation, profile) -> bool:
    return profile is not None and profile.scope[0] == Scope.ACCREDITATION


class AccreditationState(ConcurrentTransitionMixin, models.Model):
    """The status an accreditation has after it was granted, and why; ``version`` refuses a
    form posted from an older page. A concrete model brings ``valid_from``, ``valid_to`` and
    ``places``."""

    status = FSMField(
        _("status akredytacji"),
        max_length=16,
        choices=AccreditationStatus.choices,
        default=AccreditationStatus.IN_FORCE,
        protected=True,
        editable=False,
    )
    suspended_from = models.DateField(_("zawieszona od"), null=True, blank=True, editable=False)
    suspension_reason = models.TextField(_("powód zawieszenia"), blank=True, editable=False)
    withdrawn_from = models.DateField(_("cofnięta od"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("powód cofnięcia"), blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # The status is the state machine's (protected): clean_fields would set it again.
        super().clean_fields(exclude={*(exclude or ()), "status"})

    def is_active(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
            and not (self.suspended_from and self.suspended_from <= day)
            and not (self.withdrawn_from and self.withdrawn_from <= day)
        )

    @property
    def state_label(self) -> str:
        """The status as the lists show it today: "w mocy", "zawieszona od …", "cofnięta od
        …", "wygasła …" or "ważna od …" (granted for a day still to come)."""
        today = timezone.localdate()
        if self.withdrawn_from:
            return _("cofnięta od %(day)s") % {"day": f"{self.withdrawn_from:%d.%m.%Y}"}
        if self.suspended_from:
            return _("zawieszona od %(day)s") % {"day": f"{self.suspended_from:%d.%m.%Y}"}
        if self.valid_to is not None and self.valid_to < today:
            return _("wygasła %(day)s") % {"day": f"{self.valid_to:%d.%m.%Y}"}
        if self.valid_from > today:
            return _("ważna od %(day)s") % {"day": f"{self.valid_from:%d.%m.%Y}"}
        return str(AccreditationStatus.IN_FORCE.label)

    # ---- Transitions: the services (accreditation.services.changes) check the form, lock the
    # row through referrals.places and call these. Labels are the buttons.

    @transition(
        field=status,
        source=[AccreditationStatus.IN_FORCE, AccreditationStatus.SUSPENDED],
        target=None,  # the status stays as it is
        permission=by_accrediting_body,
        custom={"label": _("Zmień liczbę miejsc"), "action": "places", "order": 10},
    )
    def change_places(self):
        """A new number of places, never below those held."""

    @transition(
        field=status,
        source=AccreditationStatus.IN_FORCE,
        target=AccreditationStatus.SUSPENDED,
        permission=by_accrediting_body,
        custom={"label": _("Zawieś"), "action": "suspend", "order": 20},
    )
    def suspend(self):
        """From a day on, no new assignments; the referrals made keep their places."""

    @transition(
        field=status,
        source=AccreditationStatus.SUSPENDED,
        target=AccreditationStatus.IN_FORCE,
        permission=by_accrediting_body,
        custom={"label": _("Uchyl zawieszenie"), "action": "resume", "order": 30},
    )
    def resume(self):
        """The suspension ends today: the accreditation is in force again."""

    @transition(
        field=status,
        source=[AccreditationStatus.IN_FORCE, AccreditationStatus.SUSPENDED],
        target=AccreditationStatus.WITHDRAWN,
        permission=by_accrediting_body,
        custom={"label": _("Cofnij akredytację"), "action": "withdraw", "order": 40},
    )
    def withdraw(self):
        """Final: from a day on, no new assignments; the referrals made keep their places."""
