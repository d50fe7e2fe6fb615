"""The central administrator's screens: the queue of role requests, a request with its files,
"Zatwierdź" / "Odrzuć", and profiles with "Zablokuj" / "Odblokuj".

Every view needs a profile with the Administrator role and two-factor authentication
(:func:`accounts.permissions.administrator_required`); objects come through the active
profile's scope (:mod:`smk.scoping`), which for the administrator is everything.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.filters import ProfileFilter, RoleRequestFilter
from accounts.forms import BlockForm, RejectForm
from accounts.institutions import institution_label_expression, institution_of_profile
from accounts.models import (
    AttachmentState,
    Profile,
    ProfileRole,
    RoleRequest,
    RoleRequestAttachment,
    RoleRequestBatch,
    RoleRequestStatus,
)
from accounts.permissions import administrator_required
from accounts.views.requests import attachment_file_response, batch_pdf_response
from smk.audit import describe, history
from smk.scoping import get_scoped_object_or_404, scoped

PAGE_SIZE = 25


@administrator_required
def queue(request):
    """Requests to decide: pending by default; filter by status, role, kind, voivodeship,
    attachment; search by number, person or unit."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = RoleRequestStatus.PENDING
    queryset = (
        scoped(RoleRequest, request)
        .with_attachment_flags()
        .annotate(label=institution_label_expression("profile__"))
        .select_related("batch__user", "profile", "profile__voivodeship", "profile__unit")
        .order_by("created_at", "number")
    )
    filterset = RoleRequestFilter(data, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/administration/queue.html",
        {"filter": filterset, "page_obj": page},
    )


def _request_context(request, role_request, reject_form=None):
    batch = role_request.batch
    attachments = list(batch.attachments.order_by("uploaded_at", "pk"))
    return {
        "role_request": role_request,
        "batch": batch,
        "institution": institution_of_profile(role_request.profile),
        "siblings": batch.requests.exclude(pk=role_request.pk).order_by("number"),
        "safe_files": [a for a in attachments if a.state == AttachmentState.SAFE],
        "pending_files": [a for a in attachments if a.state == AttachmentState.PENDING_SCAN],
        "profile_status": Profile.objects.with_status()
        .values_list("derived_status", flat=True)
        .get(pk=role_request.profile_id),
        "active_roles": role_request.profile.roles.all(),
        "events": [(event, describe(event)) for event in history(role_request)],
        "reject_form": reject_form or RejectForm(),
    }


def _get_request(request, pk):
    return get_scoped_object_or_404(
        RoleRequest.objects.select_related(
            "batch__user", "profile__user", "profile__voivodeship", "profile__unit", "decided_by"
        ),
        request,
        pk=pk,
    )


@administrator_required
def request_detail(request, pk):
    role_request = _get_request(request, pk)
    return render(
        request,
        "accounts/administration/request_detail.html",
        _request_context(request, role_request),
    )


@administrator_required
@require_POST
def approve(request, pk):
    """ "Zatwierdź": the role becomes active; the requester is e-mailed."""
    role_request = _get_request(request, pk)
    try:
        services.approve_request(role_request.pk, user=request.user, acting_profile=request.profile)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Zatwierdzono wniosek %(number)s: rola „%(role)s” jest aktywna.")
            % {"number": role_request.number, "role": role_request.get_role_display()},
        )
    return redirect("accounts:admin_request", pk=role_request.pk)


@administrator_required
@require_POST
def reject(request, pk):
    """ "Odrzuć" with a required reason; the requester is e-mailed."""
    role_request = _get_request(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.reject_request(
                role_request.pk,
                user=request.user,
                acting_profile=request.profile,
                reason=form.cleaned_data["reason"],
            )
        except services.AccountsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Odrzucono wniosek %(number)s.") % {"number": role_request.number}
            )
        return redirect("accounts:admin_request", pk=role_request.pk)
    return render(
        request,
        "accounts/administration/request_detail.html",
        _request_context(request, role_request, reject_form=form),
        status=400,
    )


@administrator_required
def batch_pdf(request, pk):
    batch = get_scoped_object_or_404(
        RoleRequestBatch.objects.select_related("user", "profile__voivodeship", "profile__unit"),
        request,
        pk=pk,
    )
    return batch_pdf_response(batch, request)


@administrator_required
def download_attachment(request, pk):
    return attachment_file_response(get_scoped_object_or_404(RoleRequestAttachment, request, pk=pk))


@administrator_required
def profile_list(request):
    queryset = (
        scoped(Profile, request)
        .with_status()
        .annotate(label=institution_label_expression())
        .select_related("user", "voivodeship", "unit")
        .prefetch_related("roles")
        .order_by("label", "user__email", "pk")
    )
    filterset = ProfileFilter(request.GET or None, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/administration/profile_list.html",
        {"filter": filterset, "page_obj": page},
    )


def _get_profile(request, pk):
    return get_scoped_object_or_404(
        Profile.objects.with_status()
        .select_related("user", "voivodeship", "unit")
        .prefetch_related(
            Prefetch("roles", queryset=ProfileRole.objects.select_related("request")),
            Prefetch("role_requests", queryset=RoleRequest.objects.order_by("-created_at")),
        ),
        request,
        pk=pk,
    )


def _profile_page(request, profile, block_form=None, status=200):
    return render(
        request,
        "accounts/administration/profile_detail.html",
        {
            "profile": profile,
            "institution": institution_of_profile(profile),
            "block_form": block_form or BlockForm(),
            "events": [(event, describe(event)) for event in history(profile)],
        },
        status=status,
    )


@administrator_required
def profile_detail(request, pk):
    return _profile_page(request, _get_profile(request, pk))


@administrator_required
@require_POST
def block(request, pk):
    """ "Zablokuj" with a required reason: the profile can no longer be worked in."""
    profile = _get_profile(request, pk)
    form = BlockForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, profile, block_form=form, status=400)
    try:
        services.block_profile(
            profile.pk,
            user=request.user,
            acting_profile=request.profile,
            reason=form.cleaned_data["reason"],
        )
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Zablokowano profil."))
    return redirect("accounts:admin_profile", pk=profile.pk)


@administrator_required
@require_POST
def unblock(request, pk):
    profile = _get_profile(request, pk)
    try:
        services.unblock_profile(profile.pk, user=request.user, acting_profile=request.profile)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Odblokowano profil."))
    return redirect("accounts:admin_profile", pk=profile.pk)
