"""The training unit's side of a referral (seed 000 §12): its search form and its decisions.

The unit decides only on a referral in Wystawione; the forms carry the referral's ``version``
so a decision taken on a page that is out of date is refused by the service.
"""

import django_filters
from django import forms
from django.db.models import TextChoices
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from reference.models import Field, Mode
from referrals.filters import ReferralFilter
from referrals.models import ReferralStatus, sessions
from smk.filters import FilterSet
from smk.uploads import max_upload_bytes, validate_document

TAB_PARAM = "tab"


class UnitTab(TextChoices):
    TO_DECIDE = "do-decyzji", _("Do decyzji")
    DECIDED = "zdecydowane", _("Zdecydowane")


#: What the unit can find in the "Zdecydowane" tab.
DECIDED_STATUSES = (ReferralStatus.STARTED, ReferralStatus.NOT_STARTED, ReferralStatus.REJECTED)


class UnitReferralFilter(FilterSet):
    """The unit's referral list: the tab ("Do decyzji" by default) and the search criteria.

    The tab also orders the rows: referrals to decide oldest-sent first (they have waited the
    longest), decided ones newest decision first.
    """

    tab = django_filters.ChoiceFilter(
        choices=UnitTab.choices, method="filter_tab", widget=forms.HiddenInput
    )
    number = django_filters.CharFilter(label=_("Numer skierowania"), lookup_expr="icontains")
    name = django_filters.CharFilter(label=_("Imię i nazwisko Diagnosty"), method="filter_name")
    field = django_filters.ModelChoiceFilter(
        label=_("Dziedzina medycyny laboratoryjnej"),
        queryset=Field.objects.order_by("name"),
        empty_label=_("wszystkie"),
    )
    mode = django_filters.ModelChoiceFilter(
        label=_("Tryb"), queryset=Mode.objects.order_by("name"), empty_label=_("wszystkie")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in DECIDED_STATUSES],
        empty_label=_("wszystkie"),
    )
    session = django_filters.ModelChoiceFilter(
        label=_("Sesja"),
        queryset=sessions().newest_first(),
        empty_label=_("wszystkie sesje"),
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if TAB_PARAM not in data:
            data[TAB_PARAM] = UnitTab.TO_DECIDE.value
        super().__init__(data, queryset, request=request, prefix=prefix)
        if self.current_tab == UnitTab.TO_DECIDE:
            # Every referral waiting for a decision is Wystawione: no status to choose.
            del self.filters["status"]

    @property
    def current_tab(self) -> str:
        return self.data.get(TAB_PARAM, "")

    def filter_tab(self, queryset, name, value):
        if value == UnitTab.TO_DECIDE:
            return queryset.filter(status=ReferralStatus.ISSUED).order_by("sent_at", "pk")
        return queryset.exclude(status=ReferralStatus.ISSUED).order_by("-decided_at", "-pk")

    # Every word must appear in the first or the last name, as on the office's list.
    filter_name = ReferralFilter.filter_name


class DecisionForm(forms.Form):
    """Every decision carries the version of the referral the person was looking at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class JustifiedDecisionForm(DecisionForm):
    justification = forms.CharField(
        label=_("Uzasadnienie decyzji"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": _("Podaj uzasadnienie decyzji.")},
    )


class NotStartedForm(JustifiedDecisionForm):
    """ "Niepodjęcie szkolenia": justification required, an optional PDF/JPG attachment."""

    attachment = forms.FileField(
        label=_("Załącznik"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _(
            "Opcjonalnie: plik PDF lub JPG, najwyżej %(limit)s."
        ) % {"limit": filesizeformat(max_upload_bytes())}

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment:
            validate_document(attachment)
        return attachment
