from qualification.views import applications, procedures, rankings, slot_lists

app_name = "qualification"

urlpatterns = (
    procedures.urlpatterns
    + slot_lists.urlpatterns
    + applications.urlpatterns
    + rankings.urlpatterns
)
