""" "Statystyka złożonych wniosków" (seed 002): approved applications per field and voivodeship
in the current session, for anyone, without logging in — "do końca każdego postępowania
kwalifikacyjnego": once a voivodeship's procedure is zakończone its figures are no longer
shown (nor counted in the totals), and the page says which procedures have ended.

Like the published slot lists, the page reads applications without a profile's scope: it
shows only counts, never a person or a number. The counts come from the database on every
request (one grouped query), so a newly approved application shows at once; browsers may keep
the page for a few seconds at most. The chart is SVG drawn on the server, with a title and a
description for assistive technology, and the same numbers stand in a table below it.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Count
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from qualification.models import Application, ApplicationStatus, Procedure, Session, Stage
from qualification.services.applicant import sessions_accepting
from reference.models import Field, Mode, Voivodeship

#: Browsers may reuse the page this long; the counts are otherwise computed per request.
MAX_AGE_SECONDS = 5


def current_session(day: datetime.date | None = None) -> Session | None:
    """The newest session accepting applications on ``day``; else the newest whose window has
    opened; else the newest of all."""
    day = day or timezone.localdate()
    return (
        sessions_accepting(day).order_by("-applications_from", "-pk").first()
        or Session.objects.filter(applications_from__lte=day).newest_first().first()
        or Session.objects.newest_first().first()
    )


class StatisticsForm(forms.Form):
    session = forms.ModelChoiceField(
        label=gettext_lazy("Sesja"), queryset=Session.objects.none(), required=False
    )
    voivodeship = forms.ModelChoiceField(
        label=gettext_lazy("Województwo"),
        queryset=Voivodeship.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("wszystkie"),
    )

    def __init__(self, *args, current: Session | None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.queryset = Session.objects.newest_first()
        field.empty_label = (
            _("bieżąca (%(session)s)") % {"session": current} if current else _("bieżąca")
        )


# --- the chart ---------------------------------------------------------------------------------

ROW_HEIGHT = 30
BAR_HEIGHT = 20
LABEL_WIDTH = 340
BAR_SPACE = 380
CHART_WIDTH = LABEL_WIDTH + BAR_SPACE + 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT * 0.8

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart, laid out here so the template only writes SVG elements."""

    key: str
    title: str
    bars: list[Bar]

    label_x = LABEL_WIDTH - 8
    bar_x = LABEL_WIDTH
    bar_height = BAR_HEIGHT
    width = CHART_WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 8

    @property
    def description(self) -> str:
        return "; ".join(f"{bar.label}: {bar.value}" for bar in self.bars) + "."


def bar_chart(key: str, title: str, items: list[tuple[str, int]]) -> BarChart:
    top = max((value for _label, value in items), default=0)
    bars = [
        Bar(
            label=label,
            value=value,
            y=4 + index * ROW_HEIGHT,
            width=round(BAR_SPACE * value / top, 1) if top else 0,
        )
        for index, (label, value) in enumerate(items)
    ]
    return BarChart(key=key, title=title, bars=bars)


# --- the page ----------------------------------------------------------------------------------


def ended_voivodeships(session: Session) -> list[Voivodeship]:
    """The voivodeships whose procedure of ``session`` has ended (their figures are gone)."""
    return list(
        Voivodeship.objects.filter(
            procedures__session=session, procedures__stage=Stage.CLOSED
        ).order_by("name")
    )


def _counts(session: Session, voivodeship: Voivodeship | None) -> dict[tuple[int, int, int], int]:
    """(field, voivodeship, mode) → approved applications of the procedures still running
    (not scoped: counts only)."""
    ended = Procedure.objects.filter(session=session, stage=Stage.CLOSED)
    applications = Application.objects.filter(
        session=session, status=ApplicationStatus.APPROVED
    ).exclude(voivodeship__in=ended.values("voivodeship_id"))
    if voivodeship is not None:
        applications = applications.filter(voivodeship=voivodeship)
    rows = applications.values("field_id", "voivodeship_id", "mode_id").annotate(n=Count("pk"))
    return {(r["field_id"], r["voivodeship_id"], r["mode_id"]): r["n"] for r in rows}


def _sum(counts, *, field=None, voivodeship=None, mode=None) -> int:
    return sum(
        n
        for (f, v, m), n in counts.items()
        if (field is None or f == field)
        and (voivodeship is None or v == voivodeship)
        and (mode is None or m == mode)
    )


@require_GET
@cache_control(max_age=MAX_AGE_SECONDS, private=True)
def statistics(request):
    current = current_session()
    form = StatisticsForm(request.GET or None, current=current)
    chosen = form.cleaned_data if form.is_valid() else {}
    session = chosen.get("session") or current
    voivodeship = chosen.get("voivodeship")
    context = {"form": form, "session": session, "voivodeship": voivodeship}
    if session is None:
        return render(request, "qualification/statistics/statistics.html", context)

    ended = ended_voivodeships(session)
    context["ended"] = ended
    if voivodeship is not None and voivodeship in ended:
        context["voivodeship_ended"] = True
        return render(request, "qualification/statistics/statistics.html", context)
    counts = _counts(session, voivodeship)
    fields = list(Field.objects.order_by("name"))
    if voivodeship is None:
        columns = [
            (v.name, {"voivodeship": v.pk})
            for v in Voivodeship.objects.order_by("name")
            if v not in ended
        ]
        column_title = _("Województwo")
    else:
        columns = [(m.name, {"mode": m.pk}) for m in Mode.objects.order_by("name")]
        column_title = _("Tryb")
    rows = [
        (
            field.name,
            [_sum(counts, field=field.pk, **where) for _name, where in columns],
            _sum(counts, field=field.pk),
        )
        for field in fields
    ]
    totals = [_sum(counts, **where) for _name, where in columns]
    total = sum(counts.values())

    charts = [
        bar_chart(
            "fields",
            _("Złożone wnioski według dziedzin"),
            [(name, row_total) for name, _cells, row_total in rows],
        )
    ]
    if voivodeship is None:
        charts.insert(
            0,
            bar_chart(
                "voivodeships",
                _("Złożone wnioski według województw"),
                [(name, n) for (name, _where), n in zip(columns, totals, strict=True)],
            ),
        )
    context.update(
        {
            "columns": [name for name, _where in columns],
            "column_title": column_title,
            "rows": rows,
            "totals": totals,
            "total": total,
            "charts": charts,
            "generated_at": timezone.localtime(),
            "accepting": session.accepts_applications(),
        }
    )
    return render(request, "qualification/statistics/statistics.html", context)


urlpatterns = [
    path("statystyka/", statistics, name="statistics"),
]
