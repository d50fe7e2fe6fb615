from referrals.views import dashboard, form, list, unit

app_name = "referrals"

urlpatterns = list.urlpatterns + form.urlpatterns + unit.urlpatterns + dashboard.urlpatterns
