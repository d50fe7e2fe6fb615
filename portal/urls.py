from django.urls import include, path

from portal import views

pages = (
    [
        path("komunikaty/", views.announcements, name="announcements"),
        path("pomoc/", views.help_index, name="help"),
        path("pomoc/<slug:slug>/", views.help_page, name="help_page"),
        path("pomoc/<slug:slug>/pdf/", views.help_pdf, name="help_pdf"),
        path(
            "informacje-o-przetwarzaniu-danych-osobowych/",
            views.personal_data,
            name="personal_data",
        ),
        path("deklaracja-dostepnosci/", views.accessibility, name="accessibility"),
        path("polityka-prywatnosci/", views.privacy, name="privacy"),
        path("warunki-korzystania/", views.terms, name="terms"),
        path("mapa-strony/", views.sitemap, name="sitemap"),
        path("kontakt/", views.contact, name="contact"),
    ],
    "portal",
)

# "home" keeps its name without a namespace: every page links to it as {% url 'home' %}.
urlpatterns = [
    path("", views.home, name="home"),
    path("", include(pages)),
]
