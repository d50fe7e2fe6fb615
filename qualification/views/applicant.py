"""The applicant's screens (WORS, seed 002; SPEC §3): "Moje wnioski", "Utwórz wniosek" (a
two-step form, then a confirmation page saying which earlier applications become inactive and
why), editing a draft, "Zatwierdź" and "Drukuj".

Applications are reached only through the applicant profile's scope (their own; another
person's application answers 404). Every write goes through
:mod:`qualification.services.applicant`, which decides under its locks.

One module past 400 lines: the applicant's screens are the steps of one application's life
and share its scoped lookup and the form's rendering helpers.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from qualification.forms.applicant import (
    ApplicationDataForm,
    ApproveForm,
    AttachmentForm,
    ChoiceForm,
)
from qualification.models import (
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    PreferredUnit,
    Procedure,
    Session,
)
from qualification.services.applicant import (
    ApplicantError,
    ConsequencesChanged,
    add_attachment,
    applicant_defaults,
    approval_obstacles,
    approve_application,
    create_application,
    edit_refusal,
    has_final_number,
    next_session,
    paper_deadline,
    planned_deactivations,
    remove_attachment,
    sessions_accepting,
    update_draft,
    window_refusal,
)
from referrals.models import Referral
from smk.models import Event
from smk.pdf import pdf_response
from smk.scoping import get_scoped_object_or_404, scoped
from smk.uploads import attach_and_tell, remove_and_tell

CHOICE_FIELDS = ("session", "voivodeship", "field", "mode")
TEMPLATES = "qualification/applicant"


def _applications(request):
    return scoped(Application, request).select_related("session", "voivodeship", "field", "mode")


def _preferred_units():
    return Prefetch(
        "preferred_units",
        queryset=PreferredUnit.objects.select_related("unit").order_by("position"),
    )


def _referrals():
    return Prefetch(
        "referrals", queryset=Referral.objects.select_related("unit", "eks").order_by("pk")
    )


def _own_application(request, pk: int) -> Application:
    application = get_scoped_object_or_404(
        _applications(request).prefetch_related(_preferred_units(), _referrals(), "attachments"),
        request,
        pk=pk,
    )
    application.preferred_unit_list = [p.unit for p in application.preferred_units.all()]
    return application


def _detail_url(application) -> str:
    return reverse("qualification:applicant_detail", args=[application.pk])


def _annotate_progress(applications: list[Application]) -> None:
    """Attach what the applicant's pages show besides the row: the procedure (its stage) and,
    for inactive applications, why they became inactive. Two queries for any number."""
    keys = {(a.session_id, a.voivodeship_id) for a in applications}
    procedures = {}
    if keys:
        for procedure in Procedure.objects.filter(
            session_id__in={s for s, _v in keys}, voivodeship_id__in={v for _s, v in keys}
        ):
            procedures[(procedure.session_id, procedure.voivodeship_id)] = procedure
    inactive = [a.pk for a in applications if a.status == ApplicationStatus.INACTIVE]
    reasons = {}
    if inactive:
        events = Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Application),
            target_id__in=inactive,
            action="application.deactivated",
        ).order_by("created_at", "pk")
        for event in events:
            reasons[event.target_id] = event
    for application in applications:
        application.procedure = procedures.get((application.session_id, application.voivodeship_id))
        event = reasons.get(application.pk)
        application.deactivation = (
            {
                "reason": event.data.get("reason_text", ""),
                "replaced_by": event.data.get("replaced_by", ""),
                "at": event.created_at,
            }
            if event
            else None
        )


def _closed_window_message(day) -> str:
    upcoming = next_session(day)
    if upcoming is None:
        return _("Obecnie nie trwa nabór wniosków — nie można utworzyć wniosku.")
    return _(
        "Obecnie nie trwa nabór wniosków — nie można utworzyć wniosku. Najbliższy nabór "
        "(„%(session)s”) rozpocznie się %(day)s."
    ) % {"session": upcoming, "day": formats.date_format(upcoming.applications_from, "d.m.Y")}


# --- Moje wnioski ----------------------------------------------------------------------------


@require_GET
@role_required(Role.APPLICANT)
def my_applications(request):
    day = timezone.localdate()
    applications = list(
        _applications(request)
        .prefetch_related(_preferred_units(), _referrals())
        .order_by("-session__applications_from", "-session_id", "-created_at", "-pk")
    )
    _annotate_progress(applications)
    sessions = []
    for application in applications:
        if not sessions or sessions[-1][0].pk != application.session_id:
            sessions.append((application.session, []))
        sessions[-1][1].append(application)
    open_sessions = list(sessions_accepting(day))
    return render(
        request,
        f"{TEMPLATES}/my_applications.html",
        {
            "sessions": sessions,
            "open_sessions": open_sessions,
            "closed_window_message": "" if open_sessions else _closed_window_message(day),
        },
    )


# --- Utwórz wniosek ----------------------------------------------------------------------------


def _render_choice(request, choice):
    return render(request, f"{TEMPLATES}/create_choice.html", {"choice": choice})


def _choice_query(choice) -> str:
    values = {name: choice.cleaned_data[name].pk for name in CHOICE_FIELDS}
    return urlencode({"krok": 1, **values})


def _render_data(request, choice, form):
    hidden = ChoiceForm(
        initial={name: choice.cleaned_data[name].pk for name in CHOICE_FIELDS},
        day=choice.day,
        hidden=True,
    )
    return render(
        request,
        f"{TEMPLATES}/create_data.html",
        {
            "choice": choice.cleaned_data,
            "hidden_choice": hidden,
            "form": form,
            "change_choice_url": reverse("qualification:applicant_create")
            + "?"
            + _choice_query(choice),
        },
    )


def _render_confirm(request, choice, form):
    """The confirmation page: what the new application makes inactive, and why."""
    chosen = choice.cleaned_data
    deactivations = planned_deactivations(
        request.user, chosen["session"], chosen["voivodeship"], chosen["field"], chosen["mode"]
    )
    return render(
        request,
        f"{TEMPLATES}/create_confirm.html",
        {
            "choice": choice.cleaned_data,
            "hidden_choice": ChoiceForm(request.POST, day=choice.day, hidden=True),
            "form": form,
            "units": form.chosen_units,
            "deactivations": deactivations,
        },
    )


def _posted_session_refusal(request, day) -> str:
    """A clear message when the posted session no longer takes applications."""
    try:
        session = Session.objects.get(pk=int(request.POST.get("session", "")))
    except (ValueError, Session.DoesNotExist):
        return ""
    return window_refusal(session, day)


@require_http_methods(["GET", "POST"])
@role_required(Role.APPLICANT)
def application_create(request):
    day = timezone.localdate()
    if request.method == "POST":
        refusal = _posted_session_refusal(request, day)
        if refusal:
            messages.error(request, refusal)
            return redirect("qualification:my_applications")
    if not sessions_accepting(day).exists():
        messages.error(request, _closed_window_message(day))
        return redirect("qualification:my_applications")
    if request.method == "GET":
        if request.GET.get("krok") == "1" or not any(k in request.GET for k in CHOICE_FIELDS):
            return _render_choice(request, ChoiceForm(initial=request.GET.dict(), day=day))
        choice = ChoiceForm(request.GET, day=day, user=request.user)
        if not choice.is_valid():
            return _render_choice(request, choice)
        form = ApplicationDataForm(
            initial=applicant_defaults(request.user),
            voivodeship=choice.cleaned_data["voivodeship"],
            field=choice.cleaned_data["field"],
            day=day,
        )
        return _render_data(request, choice, form)

    choice = ChoiceForm(request.POST, day=day, hidden=True)
    if not choice.is_valid():
        messages.error(
            request,
            " ".join(str(e) for errors in choice.errors.values() for e in errors),
        )
        return redirect("qualification:applicant_create")
    chosen = choice.cleaned_data
    form = ApplicationDataForm(
        request.POST, voivodeship=chosen["voivodeship"], field=chosen["field"], day=day
    )
    if not form.is_valid() or "edit" in request.POST:
        return _render_data(request, choice, form)
    if "confirmed" not in request.POST:
        return _render_confirm(request, choice, form)
    try:
        expected = {int(pk) for pk in request.POST.getlist("deactivates")}
    except ValueError:
        expected = set()
    try:
        created = create_application(
            user=request.user,
            profile=request.profile,
            session=chosen["session"],
            voivodeship=chosen["voivodeship"],
            field=chosen["field"],
            mode=chosen["mode"],
            data=form.applicant_data,
            unit_ids=form.unit_ids,
            expected_deactivations=expected,
            day=day,
        )
    except ConsequencesChanged as error:
        messages.error(request, str(error))
        return _render_confirm(request, choice, form)
    except ApplicantError as error:
        messages.error(request, str(error))
        return _render_data(request, choice, form)
    application = created.application
    messages.success(
        request,
        _(
            "Utworzono wniosek %(number)s (wersja robocza). Sprawdź dane i zatwierdź wniosek "
            "(„Zatwierdź”) — dopiero zatwierdzony wniosek trafia do urzędu wojewódzkiego."
        )
        % {"number": application.number},
    )
    if created.warning:
        messages.warning(request, created.warning)
    for deactivation in created.deactivated:
        messages.warning(
            request,
            _("Wniosek %(number)s jest teraz nieaktywny, ponieważ %(reason)s.")
            % {"number": deactivation.application.number, "reason": deactivation.reason.label},
        )
    return redirect(_detail_url(application))


# --- one application ---------------------------------------------------------------------------


def _render_detail(request, application, attachment_form=None):
    _annotate_progress([application])
    day = timezone.localdate()
    refusal = (
        edit_refusal(application, day) if application.status == ApplicationStatus.DRAFT else ""
    )
    can_edit = application.status == ApplicationStatus.DRAFT and not refusal
    return render(
        request,
        f"{TEMPLATES}/detail.html",
        {
            "application": application,
            "can_edit": can_edit,
            "refusal": refusal,
            "can_print": application.status == ApplicationStatus.APPROVED,
            "working_number": not has_final_number(application),
            "paper_deadline": paper_deadline(application.session),
            "attachments": application.attachments.all(),
            "attachment_form": (attachment_form or AttachmentForm()) if can_edit else None,
        },
    )


@require_GET
@role_required(Role.APPLICANT)
def application_detail(request, pk):
    return _render_detail(request, _own_application(request, pk))


@require_http_methods(["GET", "POST"])
@role_required(Role.APPLICANT)
def application_edit(request, pk):
    application = _own_application(request, pk)
    day = timezone.localdate()
    refusal = edit_refusal(application, day)
    if refusal:
        messages.error(request, refusal)
        return redirect(_detail_url(application))
    kwargs = {"voivodeship": application.voivodeship, "field": application.field, "day": day}
    if request.method == "GET":
        form = ApplicationDataForm(instance=application, **kwargs)
    else:
        form = ApplicationDataForm(request.POST, instance=_own_application(request, pk), **kwargs)
        if form.is_valid():
            try:
                update_draft(
                    application.pk,
                    user=request.user,
                    profile=request.profile,
                    data=form.applicant_data,
                    unit_ids=form.unit_ids,
                    version=form.cleaned_data.get("version"),
                    day=day,
                )
            except ApplicantError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Zapisano zmiany we wniosku."))
                return redirect(_detail_url(application))
    return render(request, f"{TEMPLATES}/edit.html", {"application": application, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.APPLICANT)
def application_approve(request, pk):
    """ "Zatwierdź": GET is the confirmation page (or why it cannot be approved), POST acts."""
    application = _own_application(request, pk)
    day = timezone.localdate()
    if request.method == "POST":
        form = ApproveForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            application = approve_application(
                application.pk,
                user=request.user,
                profile=request.profile,
                version=version,
                day=day,
            )
        except ApplicantError as error:
            messages.error(request, str(error))
            return redirect(_detail_url(application))
        messages.success(
            request,
            _(
                "Wniosek został zatwierdzony i otrzymał numer %(number)s — jest teraz widoczny "
                "w urzędzie wojewódzkim i nie można go już zmienić. Wydrukuj go („Drukuj”), "
                "podpisz i dostarcz wraz z załącznikami do urzędu wojewódzkiego do %(day)s."
            )
            % {
                "number": application.number,
                "day": formats.date_format(paper_deadline(application.session), "d.m.Y"),
            },
        )
        return redirect(_detail_url(application))
    return render(
        request,
        f"{TEMPLATES}/approve.html",
        {
            "application": application,
            "obstacles": approval_obstacles(application, day),
            "form": ApproveForm(initial={"version": application.version}),
        },
    )


@require_GET
@role_required(Role.APPLICANT)
def application_print(request, pk):
    """ "Drukuj": the application's PDF, only once approved."""
    application = _own_application(request, pk)
    if application.status != ApplicationStatus.APPROVED:
        messages.error(
            request,
            _(
                "Wydruk jest dostępny dopiero po zatwierdzeniu wniosku („Zatwierdź”); "
                "nieaktywnego wniosku nie drukuje się."
            ),
        )
        return redirect(_detail_url(application))
    return pdf_response(
        f"{TEMPLATES}/application_pdf.html",
        {
            "application": application,
            "paper_deadline": paper_deadline(application.session),
            "generated_at": timezone.localtime(),
        },
        filename=f"wniosek-{application.number.replace('/', '-')}.pdf",
        request=request,
    )


# --- attachments ------------------------------------------------------------------------------


@require_POST
@role_required(Role.APPLICANT)
def attachment_add(request, pk):
    application = _own_application(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, application, attachment_form=form)
    attach_and_tell(
        request,
        lambda: add_attachment(
            application.pk,
            user=request.user,
            profile=request.profile,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
            day=timezone.localdate(),
        ),
        ApplicantError,
    )
    return redirect(_detail_url(application))


@require_POST
@role_required(Role.APPLICANT)
def attachment_remove(request, pk):
    attachment = get_scoped_object_or_404(ApplicationAttachment, request, pk=pk)
    remove_and_tell(
        request,
        lambda: remove_attachment(
            attachment.pk, user=request.user, profile=request.profile, day=timezone.localdate()
        ),
        attachment,
        ApplicantError,
    )
    return redirect(reverse("qualification:applicant_detail", args=[attachment.application_id]))


@require_GET
@role_required(Role.APPLICANT, Role.UW, Role.WOJEWODA, Role.ADMINISTRATOR)
def attachment_download(request, pk):
    """The file, for its applicant and — once the application is approved — the office."""
    attachment = get_scoped_object_or_404(ApplicationAttachment, request, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


urlpatterns = [
    path("moje-wnioski/", my_applications, name="my_applications"),
    path("moje-wnioski/nowy/", application_create, name="applicant_create"),
    path("moje-wnioski/<int:pk>/", application_detail, name="applicant_detail"),
    path("moje-wnioski/<int:pk>/edytuj/", application_edit, name="applicant_edit"),
    path("moje-wnioski/<int:pk>/zatwierdz/", application_approve, name="applicant_approve"),
    path("moje-wnioski/<int:pk>/drukuj/", application_print, name="applicant_print"),
    path("moje-wnioski/<int:pk>/zalaczniki/", attachment_add, name="applicant_attachment_add"),
    path(
        "moje-wnioski/zalaczniki/<int:pk>/usun/",
        attachment_remove,
        name="applicant_attachment_remove",
    ),
    path("zalaczniki-wnioskow/<int:pk>/", attachment_download, name="application_attachment"),
]
