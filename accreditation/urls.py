from django.urls import path

from accreditation.views import accreditations, body, common, public, unit

app_name = "accreditation"

urlpatterns = (
    unit.urlpatterns
    + body.urlpatterns
    + accreditations.urlpatterns
    + public.urlpatterns
    + [
        path("wnioski/<int:pk>/pdf/", common.request_pdf, name="request_pdf"),
        path("zalaczniki/<int:pk>/", common.attachment_download, name="attachment_download"),
    ]
)
