"""zasilInicjalnie: the trainees already in training at the unit."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from api.idempotency import idempotent
from api.pagination import StrictCursor
from api.serializers import ErrorSerializer, StrictSerializer
from api.views.unit.common import (
    FORBIDDEN,
    ROWS_REFUSED,
    UnitOperation,
)
from smk.scoping import scoped
from training import services
from training.models import Trainee


class TraineeRowSerializer(StrictSerializer):
    pesel = serializers.CharField(max_length=11, label=gettext_lazy("PESEL"))
    field = serializers.CharField(max_length=64, label=gettext_lazy("kod dziedziny"))
    start_date = serializers.DateField(label=gettext_lazy("data rozpoczęcia szkolenia"))
    end_date = serializers.DateField(
        required=False,
        allow_null=True,
        label=gettext_lazy("data zakończenia szkolenia"),
        help_text=gettext_lazy("Tylko gdy szkolenie się zakończyło: osoba zwalnia wtedy miejsce."),
    )


class TraineeLoadSerializer(StrictSerializer):
    trainees = TraineeRowSerializer(
        many=True,
        allow_empty=False,
        max_length=services.MAX_TRAINEE_ROWS,
        label=gettext_lazy("osoby w trakcie szkolenia"),
    )


class LoadResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(label=gettext_lazy("nowych osób"))
    updated = serializers.IntegerField(label=gettext_lazy("zmienionych"))
    unchanged = serializers.IntegerField(label=gettext_lazy("bez zmian"))


class TraineeSerializer(serializers.ModelSerializer):
    field = serializers.CharField(source="field.code", label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(source="field.name", label=gettext_lazy("dziedzina"))
    start_date = serializers.DateField(source="started_on", label=gettext_lazy("data rozpoczęcia"))
    end_date = serializers.DateField(
        source="ended_on", allow_null=True, label=gettext_lazy("data zakończenia")
    )
    in_training = serializers.BooleanField(label=gettext_lazy("w trakcie szkolenia"))

    class Meta:
        model = Trainee
        fields = [
            "id",
            "pesel",
            "field",
            "field_name",
            "start_date",
            "end_date",
            "in_training",
            "updated_at",
        ]
        read_only_fields = fields


class TraineeCursor(StrictCursor):
    """A page may hold more rows than the other lists': a load is read back in a few pages."""

    ordering = ("id",)
    max_page_size = 1000
    page_size_query_description = gettext_lazy("Liczba wyników na stronie (najwyżej 1000).")


class TraineesView(UnitOperation, generics.ListAPIView):
    serializer_class = TraineeSerializer
    pagination_class = TraineeCursor

    def get_queryset(self):
        return scoped(Trainee.objects.select_related("field"), self.request)

    @extend_schema(summary=gettext_lazy("Osoby w trakcie szkolenia"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("zasilInicjalnie — osoby w trakcie szkolenia"),
        description=gettext_lazy(
            "Zasilenie inicjalne: osoby, które już odbywają szkolenie w jednostce (PESEL, "
            "dziedzina, data rozpoczęcia), do 5000 wierszy w jednym żądaniu. Wszystkie wiersze "
            "albo żaden: błędy wracają z numerami wierszy (od 1). Ta sama osoba w tej samej "
            "dziedzinie nie jest dodawana drugi raz (wysłanie tego samego zasilenia ponownie "
            "niczego nie zmienia). Osoby w trakcie szkolenia zajmują miejsca akredytacji."
        ),
        request=TraineeLoadSerializer,
        responses={
            200: LoadResultSerializer,
            400: ROWS_REFUSED,
            403: FORBIDDEN,
            413: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Treść za duża.")),
        },
    )
    @idempotent
    def post(self, request):
        data = self.parsed(TraineeLoadSerializer, "trainees")
        rows = [
            services.TraineeRow(
                i, t["pesel"].strip(), t["field"].strip(), t["start_date"], t.get("end_date")
            )
            for i, t in enumerate(data["trainees"], 1)
        ]
        result = self.write(services.load_trainees, rows)
        return Response(LoadResultSerializer(vars(result)).data)
