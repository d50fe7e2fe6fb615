"""One way to reach data: through the active profile's scope.

Every view gets its objects from :func:`scoped` or :func:`get_scoped_object_or_404`, never from
``Model.objects`` directly. A model takes part by giving its manager a :class:`ScopedQuerySet`
that says which lookup leads to the voivodeship, the training unit or the person. Another
scope's object is simply not in the queryset, so its URL answers 404 and nothing leaks that it
exists (pretix ``OrderView.get_object``, zulip ``access_stream_by_id``).
"""

from django.db import models
from django.http import Http404


class Scope(models.TextChoices):
    """What part of the data a profile may see."""

    EVERYTHING = "everything"
    VOIVODESHIP = "voivodeship"
    UNIT = "unit"
    PERSON = "person"
    #: The central accrediting body (CMKP): every unit's accreditation requests and
    #: accreditations, nothing else. Only the querysets of that domain answer it
    #: (:meth:`ScopedQuerySet.for_accrediting_body`); every other one gives none.
    ACCREDITATION = "accreditation"


class ScopedQuerySet(models.QuerySet):
    #: Lookup from this model to a voivodeship id, a training unit id, a user id.
    #: ``None`` means the scope sees none of these rows.
    voivodeship_lookup: str | None = None
    unit_lookup: str | None = None
    person_lookup: str | None = None

    def for_profile(self, profile):
        if profile is None:
            return self.none()
        scope, scope_id = profile.scope
        if scope == Scope.EVERYTHING:
            return self.all()
        if scope == Scope.VOIVODESHIP:
            return self.for_voivodeship(scope_id)
        if scope == Scope.UNIT:
            return self.for_unit(scope_id)
        if scope == Scope.PERSON:
            return self.for_person(scope_id)
        if scope == Scope.ACCREDITATION:
            return self.for_accrediting_body()
        return self.none()

    # Overridable where a scope sees only some rows (a unit sees sent referrals only).
    def for_voivodeship(self, voivodeship_id):
        return self._by(self.voivodeship_lookup, voivodeship_id)

    def for_unit(self, unit_id):
        return self._by(self.unit_lookup, unit_id)

    def for_person(self, user_id):
        return self._by(self.person_lookup, user_id)

    def for_accrediting_body(self):
        """What the accrediting body sees: nothing, unless the model is of its domain
        (accreditations and their requests override this)."""
        return self.none()

    def _by(self, lookup, value):
        if lookup is None or value is None:
            return self.none()
        return self.filter(**{lookup: value})


def scoped(model_or_queryset, request):
    """The rows of a model (or a narrower queryset) the request's active profile may see."""
    queryset = (
        model_or_queryset._default_manager.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    return queryset.for_profile(getattr(request, "profile", None))


def get_scoped_object_or_404(model_or_queryset, request, **lookup):
    try:
        return scoped(model_or_queryset, request).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError):
        raise Http404 from None
