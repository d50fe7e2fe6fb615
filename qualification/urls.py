from qualification.views import applications, manual, procedures, rankings, slot_lists

app_name = "qualification"

urlpatterns = (
    procedures.urlpatterns
    + slot_lists.urlpatterns
    + applications.urlpatterns
    + rankings.urlpatterns
    + manual.urlpatterns
)
