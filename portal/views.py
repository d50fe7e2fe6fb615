"""The start page, "Ostatnie komunikaty", the help files and the footer's pages (seeds 002, 003).

Everything here is public: a visitor who is not logged in reads it before registering.
"""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal import services
from portal.forms import ContactForm
from portal.help import MANUALS, manual
from portal.models import Announcement
from portal.sitemap import sitemap_for
from qualification.models import Session
from smk.pdf import pdf_response

#: How many announcements the start page shows ("Ostatnie komunikaty"; the rest on their page).
START_PAGE_ANNOUNCEMENTS = 5


@require_GET
def home(request):
    """The start page for a visitor; the home page (with "Najnowszy komunikat") once logged in."""
    announcements = Announcement.objects.published()
    if request.user.is_authenticated:
        return render(request, "home.html", {"latest_announcement": announcements.first()})
    today = timezone.localdate()
    open_sessions = Session.objects.filter(
        applications_from__lte=today, applications_to__gte=today
    ).order_by("applications_to", "pk")
    return render(
        request,
        "portal/start.html",
        {
            "announcements": announcements[:START_PAGE_ANNOUNCEMENTS],
            "open_sessions": open_sessions,
            "manuals": MANUALS,
        },
    )


@require_GET
def announcements(request):
    return render(
        request, "portal/announcements.html", {"announcements": Announcement.objects.published()}
    )


@require_GET
def help_index(request):
    return render(request, "portal/help_index.html", {"manuals": MANUALS})


@require_GET
def help_page(request, slug):
    return render(request, "portal/help_page.html", {"manual": manual(slug)})


@require_GET
def help_pdf(request, slug):
    chosen = manual(slug)
    return pdf_response(
        "portal/help_pdf.html",
        {"manual": chosen, "site_name": settings.SITE_NAME},
        chosen.filename,
        request=request,
    )


def operator_context() -> dict:
    return {
        "operator_name": settings.OPERATOR_NAME,
        "operator_address": settings.OPERATOR_ADDRESS,
        "operator_email": settings.OPERATOR_EMAIL,
        "operator_phone": settings.OPERATOR_PHONE,
        "dpo_email": settings.DATA_PROTECTION_OFFICER_EMAIL,
        "site_url": settings.SITE_URL,
    }


def information_page(template_name: str):
    """A page of the footer that only says what the settings fill in."""

    @require_GET
    def view(request):
        return render(request, template_name, operator_context())

    return view


personal_data = information_page("portal/personal_data.html")
privacy = information_page("portal/privacy.html")
terms = information_page("portal/terms.html")


@require_GET
def accessibility(request):
    """The accessibility statement, in the structure the statute's technical conditions set
    (the ``a11y-*`` element ids), filled from the settings."""
    return render(
        request,
        "portal/accessibility.html",
        {
            **operator_context(),
            "status": settings.ACCESSIBILITY_STATUS,
            "published_on": settings.ACCESSIBILITY_PUBLISHED_ON,
            "updated_on": settings.ACCESSIBILITY_UPDATED_ON,
            "prepared_on": settings.ACCESSIBILITY_PREPARED_ON,
            "reviewed_on": settings.ACCESSIBILITY_REVIEWED_ON,
            "contact_person": settings.ACCESSIBILITY_CONTACT_PERSON,
        },
    )


@require_GET
def sitemap(request):
    return render(request, "portal/sitemap.html", {"groups": sitemap_for(request)})


@require_http_methods(["GET", "POST"])
def contact(request):
    """ "Skontaktuj się z nami": a message to the operator through the outbox, rate limited
    per address and per sender (``CONTACT_RATE_LIMIT``)."""
    initial = {}
    if request.user.is_authenticated:
        initial = {"email": request.user.email, "name": request.user.get_full_name()}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not ratelimit.consume(request, action="contact", key=data["email"].lower()):
            form.add_error(
                None,
                _(
                    "Wysłano już zbyt wiele wiadomości. Spróbuj ponownie za godzinę "
                    "albo napisz na adres %(email)s."
                )
                % {"email": settings.OPERATOR_EMAIL},
            )
            return render(request, "portal/contact.html", {"form": form}, status=429)
        services.send_contact_message(
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            message=data["message"],
            user=request.user,
        )
        messages.success(request, _("Dziękujemy. Wiadomość została wysłana do operatora systemu."))
        return redirect("portal:contact")
    return render(request, "portal/contact.html", {"form": form})
