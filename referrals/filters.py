import datetime

import django_filters
from django.db import connections, models
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference.filters import TrainingUnitFilter
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


def search_options(referrals) -> dict[str, list]:
    """The search form's options in one query, where one per drop-down list cost three: the
    sessions (newest first, as ``newest_first()``, each with ``has_referrals`` among
    ``referrals``, as :func:`sessions_of`), the fields and the modes (by name), as model
    objects holding the key and the name (their other columns are deferred), keyed by the
    filter's name.

    Written in SQL around the scoped ``referrals``' own (which the ORM writes): the same
    union through the ORM took five times the CPU (1.7 against 0.3 ms), the largest part of
    making the search form. The database answers each session's ``EXISTS`` from an index.
    """
    session_model = sessions().model
    models_ = {SESSION_PARAM: session_model, "field": Field, "mode": Mode}
    connection = connections[referrals.db]
    quote = connection.ops.quote_name
    tables = {name: quote(model._meta.db_table) for name, model in models_.items()}
    scope_sql, params = referrals.order_by().values("session_id").query.sql_with_params()
    session = tables[SESSION_PARAM]
    sql = (
        # kind, key, name, date, has referrals, tie-break: sessions newest first, then by -pk
        f"SELECT 0, {session}.id, {session}.name, {session}.applications_from, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM ({scope_sql}) AS r WHERE r.session_id = {session}.id), "
        f"-{session}.id FROM {session} "
        f"UNION ALL SELECT 1, id, name, NULL, FALSE, 0 FROM {tables['field']} "
        f"UNION ALL SELECT 2, id, name, NULL, FALSE, 0 FROM {tables['mode']} "
        "ORDER BY 1, 4 DESC, 6, 3"
    )
    kinds = list(models_)
    options = {name: [] for name in kinds}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, pk, name, applications_from, has_referrals, _tie in cursor.fetchall():
            model = models_[kinds[kind]]
            if model is session_model:
                option = model.from_db(
                    referrals.db, ["id", "name", "applications_from"], [pk, name, applications_from]
                )
            else:
                option = model.from_db(referrals.db, ["id", "name"], [pk, name])
            option.has_referrals = bool(has_referrals)
            options[kinds[kind]].append(option)
    return options


def newest_of(sessions):
    """The newest of ``sessions_of()`` with referrals, else the newest session at all."""
    sessions = list(sessions)
    return next((s for s in sessions if s.has_referrals), sessions[0] if sessions else None)


def newest_session(referrals):
    """The session the office's lists open on (seed 000: "najnowsza sesja")."""
    return newest_of(sessions_of(referrals))


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
    # Typed, not chosen from a list: a drop-down of every unit of the voivodeship (hundreds)
    # made the page grow with the units; this works the same without JavaScript.
    unit = django_filters.CharFilter(
        label=_("Jednostka szkoleniowa"),
        help_text=_("nazwa, miejscowość, NIP lub REGON"),
        method="filter_unit",
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
        # One query gives the drop-down lists, the check of a chosen value and the default
        # session (the session options say which sessions have referrals of this scope).
        for name, options in search_options(self.queryset).items():
            self.form.fields[name].preload(options)
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
        # The units screen's search (name, city, NIP, REGON) among the units of the scope.
        units = TrainingUnitFilter.search(self, scoped(TrainingUnit, self.request), name, value)
        return queryset.filter(unit__in=units.values("pk"))

    def filter_pesel(self, queryset, name, value):
        return queryset.filter(application__pesel="".join(value.split()))
