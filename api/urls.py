"""``/api/v1/``: the integration API (README "Integration API")."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.views import office, unit
from api.views.base import NotFoundView
from api.views.eks import UnitCardViewSet
from api.views.referrals import UnitReferralViewSet
from api.views.token import TokenView
from api.views.webhooks import WebhookEndpointViewSet

app_name = "api"

router = SimpleRouter()
router.register("referrals", UnitReferralViewSet, basename="referral")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("eks", UnitCardViewSet, basename="eks")

urlpatterns = [
    path("oauth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("office/referrals/", office.OfficeReferralList.as_view(), name="office_referrals"),
    path("office/rankings/", office.RankingList.as_view(), name="office_rankings"),
    path("office/register/", office.RegisterList.as_view(), name="office_register"),
    path("unit/", unit.UnitDataView.as_view(), name="unit"),
    path("unit/schedule/", unit.ScheduleView.as_view(), name="unit_schedule"),
    path("unit/trainees/", unit.TraineesView.as_view(), name="unit_trainees"),
    path("unit/offered-places/", unit.OfferedPlacesView.as_view(), name="unit_offered_places"),
    path("unit/integration/", unit.IntegrationView.as_view(), name="unit_integration"),
    path(
        "unit/integration/activate/",
        unit.ActivationView.as_view(),
        name="unit_integration_activate",
    ),
    path("", include(router.urls)),
    re_path(r"", NotFoundView.as_view()),
]
