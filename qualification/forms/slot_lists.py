"""The slot list's places form and the public page's filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from qualification.models import Session, SlotList, SlotListStatus
from reference.models import Field, Mode, Voivodeship
from smk.filters import FilterSet

MAX_PLACES = 9999


class SlotListPlacesForm(forms.Form):
    """One number input per field × mode: every field and mode has a row, even with no places.

    ``fingerprint`` is the digest of the places the form was shown with; the service refuses
    the save if the list changed since (see ``services.slot_lists.places_fingerprint``).
    """

    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, places, fields=None, modes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_fields = list(
            fields if fields is not None else Field.objects.order_by("name")
        )
        self.modes = list(modes if modes is not None else Mode.objects.order_by("name"))
        self.cells = {}
        for field in self.training_fields:
            for mode in self.modes:
                name = f"places_{field.pk}_{mode.pk}"
                self.fields[name] = forms.IntegerField(
                    label=_("Liczba miejsc: %(field)s, %(mode)s")
                    % {"field": field.name, "mode": mode.name},
                    min_value=0,
                    max_value=MAX_PLACES,
                    initial=places.get((field.pk, mode.pk), 0),
                    error_messages={
                        "required": _("Podaj liczbę miejsc (0, jeśli nie ma miejsc)."),
                        "invalid": _("Podaj liczbę całkowitą, np. 0, 3 lub 12."),
                        "min_value": _("Liczba miejsc nie może być ujemna."),
                        "max_value": _("Liczba miejsc nie może przekraczać %(limit_value)s."),
                    },
                    widget=forms.NumberInput(attrs={"min": 0, "max": MAX_PLACES, "step": 1}),
                )
                self.cells[name] = (field, mode)

    def rows(self):
        """(field, [bound field per mode]) in the order of the table."""
        return [
            (field, [self[f"places_{field.pk}_{mode.pk}"] for mode in self.modes])
            for field in self.training_fields
        ]

    def places(self) -> dict[tuple[int, int], int]:
        return {
            (field.pk, mode.pk): self.cleaned_data[name]
            for name, (field, mode) in self.cells.items()
        }

    def labels(self) -> dict[tuple[int, int], str]:
        return {
            (field.pk, mode.pk): f"{field.name} / {mode.name}"
            for field, mode in self.cells.values()
        }


class PublishedSlotListFilter(FilterSet):
    session = django_filters.ModelChoiceFilter(
        label=_("Sesja"),
        queryset=Session.objects.filter(slot_lists__status=SlotListStatus.PUBLISHED)
        .distinct()
        .order_by("-applications_from", "-pk"),
        empty_label=_("wszystkie sesje"),
    )
    voivodeship = django_filters.ModelChoiceFilter(
        label=_("Województwo"),
        queryset=Voivodeship.objects.order_by("name"),
        empty_label=_("wszystkie województwa"),
    )

    class Meta:
        model = SlotList
        fields = ["session", "voivodeship"]
