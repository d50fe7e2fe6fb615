from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from smk import views

admin.site.site_header = _("SMK — administracja")
admin.site.site_title = _("SMK — administracja")
admin.site.index_title = _("Słowniki, użytkownicy i profile")
# The admin logs in through allauth, so its rate limits and the second factor apply there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    # The start page ("home"), "Ostatnie komunikaty", the help files and the footer's pages.
    path("", include("portal.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("", include("operations.urls")),  # /readyz, /metrics
    path("konto/", include("allauth.urls")),
    path("moje-konto/", include("accounts.urls")),
    path("pz/", include("pz.urls")),
    path("ssozi/", include("ssozi.urls")),
    path("jednostki/", include("referrals.views.units")),
    path("akredytacja/", include("accreditation.urls")),
    path("postepowanie/", include("qualification.urls")),
    path("skierowania/", include("referrals.urls")),
    path("rejestr/", include("registry.urls")),
    path("eks/", include("eks.urls")),
    path("szkolenie/", include("training.views")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api-klienci/", include("api.pages")),
]
