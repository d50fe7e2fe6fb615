"""The Elektroniczna Karta Specjalizacji as the training is kept in it (issue 17, seed 001).

The card itself, :class:`registry.models.EKS`, is made when the unit accepts the referral, by
the referral services, inside their transaction: it stays in ``registry``, below
``referrals``, so that acceptance keeps calling it as an ordinary import downwards. What
happens to the card afterwards lives here, on the floor above ``referrals``: :class:`Card`
is the same row seen through a proxy model that carries the scope of the kierownik
specjalizacji, and the kierownik's appointments.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from registry.models import EKS, EKSQuerySet
from smk.scoping import Scope


def only_kierownik(profile) -> bool:
    """A training unit's profile that keeps EKS cards but does not handle the unit's
    referrals: it sees the cards of its own trainees only."""
    from accounts.models import Role

    return (
        profile is not None
        and profile.scope[0] == Scope.UNIT
        and profile.has_role(Role.KIEROWNIK)
        and not profile.has_role(Role.UNIT_STAFF)
    )


class CardQuerySet(EKSQuerySet):
    def for_profile(self, profile):
        cards = super().for_profile(profile)
        if only_kierownik(profile):
            cards = cards.filter(appointments__kierownik=profile, appointments__until__isnull=True)
        return cards


class Card(EKS):
    """An EKS with what its training needs: the scope of the kierownik, the current
    appointment."""

    objects = CardQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("Elektroniczna Karta Specjalizacji")
        verbose_name_plural = _("Elektroniczne Karty Specjalizacji")

    @cached_property
    def current_appointment(self) -> "Appointment | None":
        return (
            Appointment.objects.filter(card_id=self.pk, until__isnull=True)
            .select_related("kierownik__user")
            .first()
        )

    @property
    def kierownik(self):
        """The profile of the current kierownik specjalizacji, or None."""
        appointment = self.current_appointment
        return appointment.kierownik if appointment else None


class Appointment(models.Model):
    """The kierownik specjalizacji of one card for a period. A change closes the current
    appointment on the day of the change and opens the next one on that day, so every
    kierownik the training had, and since when, stays on record."""

    card = models.ForeignKey(
        EKS, models.PROTECT, related_name="appointments", verbose_name=_("EKS")
    )
    kierownik = models.ForeignKey(
        "accounts.Profile",
        models.PROTECT,
        related_name="eks_appointments",
        verbose_name=_("kierownik specjalizacji"),
    )
    since = models.DateField(_("kierownik od"))
    until = models.DateField(_("kierownik do"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wyznaczył"),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        ordering = ["card", "since", "pk"]
        verbose_name = _("kierownik specjalizacji EKS")
        verbose_name_plural = _("kierownicy specjalizacji EKS")
        constraints = [
            models.UniqueConstraint(
                fields=["card"], condition=Q(until__isnull=True), name="eks_one_current_kierownik"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="eks_appointment_until_after_since",
            ),
        ]

    def __str__(self):
        return f"{self.card_id}: {self.kierownik_id} ({self.since}–{self.until or ''})"
