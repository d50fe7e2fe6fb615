import datetime

import django_filters
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference.models import Field, Mode, TrainingUnit
from referrals.models import DecidedBy, ReferralStatus, sessions
from registry.models import EntryKind
from smk.filters import FilterSet
from smk.scoping import scoped

#: A referral sent to a unit longer ago than this is overdue for the unit's decision.
DECISION_OVERDUE_AFTER = datetime.timedelta(days=14)


class Attention(models.TextChoices):
    """Lists the "Do obsłużenia" dashboard links to."""

    OVERDUE = "czeka-ponad-14-dni", _("czeka na decyzję jednostki ponad 14 dni")
    TO_REGISTER = "do-wpisu-do-rejestru", _("niepodjęcie zgłoszone przez jednostkę — do wpisu")
    HOLDING = "zajmuje-miejsce", _("zajmuje miejsce szkoleniowe")


#: The search parameter that picks a session; present but empty means every session.
SESSION_PARAM = "session"


def sessions_of(referrals):
    """Every session, newest first, each annotated ``has_referrals`` among ``referrals``."""
    return (
        sessions()
        .newest_first()
        .annotate(has_referrals=Exists(referrals.filter(session=OuterRef("pk"))))
    )


def newest_of(sessions):
    """The newest of ``sessions_of()`` with referrals, else the newest session at all."""
    sessions = list(sessions)
    return next((s for s in sessions if s.has_referrals), sessions[0] if sessions else None)


def newest_session(referrals):
    """The session the office's lists open on (seed 000: "najnowsza sesja")."""
    return newest_of(sessions_of(referrals))


def _units_in_scope(request) -> list[tuple[int, str]]:
    """(id, name) of the units the request's profile sees: a few hundred options, read as
    values rather than model instances (a third of the time)."""
    return list(scoped(TrainingUnit, request).order_by("name", "pk").values_list("pk", "name"))


class ReferralFilter(FilterSet):
    """Wyszukiwarka of the referral list (seed 000 §5.1).

    Without a ``session`` parameter the list shows the newest session (the default of the
    seed); ``session=`` (empty, what "Wyczyść kryteria wyszukiwania" sends) shows every session.
    """

    number = django_filters.CharFilter(
        label=_("Numer skierowania"), field_name="number", lookup_expr="icontains"
    )
    application_number = django_filters.CharFilter(
        label=_("Numer wniosku"), field_name="application__number", lookup_expr="icontains"
    )
    name = django_filters.CharFilter(label=_("Imię i nazwisko"), method="filter_name")
    pesel = django_filters.CharFilter(label=_("PESEL"), method="filter_pesel")
    field = django_filters.ModelChoiceFilter(
        label=_("Dziedzina medycyny laboratoryjnej"),
        queryset=Field.objects.order_by("name"),
        empty_label=_("wszystkie"),
    )
    mode = django_filters.ModelChoiceFilter(
        label=_("Tryb"), queryset=Mode.objects.order_by("name"), empty_label=_("wszystkie")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReferralStatus.choices, empty_label=_("wszystkie")
    )
    # The choices are the scope's units (set in __init__): another voivodeship's is refused.
    unit = django_filters.ChoiceFilter(
        label=_("Jednostka szkoleniowa"), empty_label=_("wszystkie"), method="filter_unit"
    )
    session = django_filters.ModelChoiceFilter(
        label=_("Sesja"),
        queryset=sessions().newest_first(),
        empty_label=_("wszystkie sesje"),
    )
    attention = django_filters.ChoiceFilter(
        label=_("Wymaga działania"),
        choices=Attention.choices,
        empty_label=_("wszystkie"),
        method="filter_attention",
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.data = data  # FilterSet swaps an empty QueryDict (falsy) for a plain dict
        # The session options say which sessions have referrals of this scope: one query
        # gives the drop-down list, the check of the chosen session and the default.
        self.filters[SESSION_PARAM].queryset = sessions_of(self.queryset)
        # Set on the form's own field: as the filter's choices every form would deep-copy them.
        self.form.fields["unit"].choices = _units_in_scope(request)
        #: The session applied because the search did not name one (None once it did).
        self.default_session = None
        if SESSION_PARAM not in data:
            self.default_session = newest_of(self.form.fields[SESSION_PARAM].objects)
            # The form has not cleaned its data yet: it sees the default as if chosen.
            data[SESSION_PARAM] = self.default_session.pk if self.default_session else ""

    @property
    def applied_session(self):
        """The session the list is limited to, or None for every session."""
        if self.default_session is not None:
            return self.default_session
        return self.form.cleaned_data.get(SESSION_PARAM) if self.is_valid() else None

    def filter_name(self, queryset, name, value):
        # Every word must appear in the name, in any order (the referral's copy of it).
        for word in value.split():
            queryset = queryset.filter(applicant_name__icontains=word)
        return queryset

    def filter_attention(self, queryset, name, value):
        if value == Attention.OVERDUE:
            return queryset.filter(
                status=ReferralStatus.ISSUED,
                sent_at__lt=timezone.now() - DECISION_OVERDUE_AFTER,
            )
        if value == Attention.TO_REGISTER:
            return queryset.filter(
                status=ReferralStatus.NOT_STARTED, decided_by_kind=DecidedBy.UNIT
            ).exclude(register_entries__kind=EntryKind.STRIKE_OFF)
        if value == Attention.HOLDING:
            return queryset.holding_place()
        return queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit_id=value)

    def filter_pesel(self, queryset, name, value):
        return queryset.filter(application__pesel="".join(value.split()))
