"""zapiszHarmonogram: the unit's schedule of training starts."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers import StrictSerializer
from api.views.unit.common import (
    FORBIDDEN,
    ROWS_REFUSED,
    UnitOperation,
)
from training import services
from training.models import ScheduledStart


class StartSerializer(StrictSerializer):
    field = serializers.CharField(max_length=64, label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(read_only=True, label=gettext_lazy("dziedzina"))
    date = serializers.DateField(label=gettext_lazy("data rozpoczęcia szkolenia"))
    places = serializers.IntegerField(
        min_value=1, max_value=9999, label=gettext_lazy("liczba miejsc tego terminu")
    )


class ScheduleSerializer(StrictSerializer):
    starts = StartSerializer(
        many=True,
        max_length=services.MAX_SCHEDULED_STARTS,
        label=gettext_lazy("terminy rozpoczęcia szkolenia"),
    )


def schedule_data(unit) -> dict:
    return {
        "starts": [
            {
                "field": s.field.code,
                "field_name": s.field.name,
                "date": s.starts_on,
                "places": s.places,
            }
            for s in ScheduledStart.objects.filter(unit=unit).select_related("field")
        ]
    }


class ScheduleView(UnitOperation):
    serializer_class = ScheduleSerializer

    @extend_schema(
        summary=gettext_lazy("Harmonogram rozpoczęć"),
        responses={200: ScheduleSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(ScheduleSerializer(schedule_data(self.unit())).data)

    @extend_schema(
        summary=gettext_lazy("zapiszHarmonogram — harmonogram rozpoczęć"),
        description=gettext_lazy(
            "Cały harmonogram (zastępuje poprzedni): dla każdej akredytowanej dziedziny daty, "
            "od których jednostka może rozpocząć szkolenie, i liczba miejsc każdego terminu "
            "(najwyżej tyle, ile miejsc ma akredytacja)."
        ),
        request=ScheduleSerializer,
        responses={200: ScheduleSerializer, 400: ROWS_REFUSED, 403: FORBIDDEN},
    )
    @idempotent
    def put(self, request):
        data = self.parsed(ScheduleSerializer, "starts")
        rows = [
            services.StartRow(i, s["field"], s["date"], s["places"])
            for i, s in enumerate(data["starts"], 1)
        ]
        self.write(services.save_schedule, rows)
        return Response(ScheduleSerializer(schedule_data(self.unit())).data)
