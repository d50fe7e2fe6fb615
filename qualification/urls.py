from qualification.views import (
    applicant,
    applications,
    manual,
    procedures,
    rankings,
    slot_lists,
    statistics,
)

app_name = "qualification"

urlpatterns = (
    procedures.urlpatterns
    + slot_lists.urlpatterns
    + applications.urlpatterns
    + rankings.urlpatterns
    + manual.urlpatterns
    + applicant.urlpatterns
    + statistics.urlpatterns
)
