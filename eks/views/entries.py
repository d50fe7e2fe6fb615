"""The entries' screens: the diagnostician adds, corrects, deletes and passes entries on;
the kierownik confirms them (many at once, on the card or in the queue of all their
trainees) or rejects one with a reason."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import has_transition_perm

from accounts.models import Role
from accounts.permissions import role_required
from eks import services
from eks.forms import EntryForm, EntrySelectionForm, ReasonForm, VersionForm
from eks.models import Entry
from eks.statuses import EntryStatus
from eks.views.common import STALE, back_to, cards, get_card, get_entry, refused, run_form
from smk.scoping import scoped


@require_http_methods(["GET", "POST"])
@role_required(Role.APPLICANT)
def entry_add(request, pk):
    card = get_card(request, pk)
    if not card.is_open:
        return refused(request, card, _("Do karty w tym statusie nie można dodawać wpisów."))
    form = EntryForm(request.POST or None, request.FILES or None, card=card, progress=card.progress)
    done = run_form(
        request,
        form,
        card,
        lambda: services.add_entry(
            card.pk, user=request.user, profile=request.profile, **form.service_values()
        ),
        _("Wpis został dodany (status „wprowadzony”). Przekaż go do potwierdzenia."),
    )
    if done:
        return done
    return render(request, "eks/entry_form.html", {"card": card, "form": form, "entry": None})


@require_http_methods(["GET", "POST"])
@role_required(Role.APPLICANT)
def entry_edit(request, pk):
    entry = get_entry(request, pk)
    card = entry.card
    if not has_transition_perm(entry.correct, request.profile):
        return refused(request, card, _("Tego wpisu nie można teraz poprawić."))
    initial = {
        "version": entry.version,
        "date_from": entry.date_from,
        "date_to": entry.date_to,
        "place": entry.place,
        "count": entry.count,
    }
    form = EntryForm(
        request.POST or None, request.FILES or None, card=card, entry=entry, initial=initial
    )
    done = run_form(
        request,
        form,
        card,
        lambda: services.correct_entry(
            entry.pk,
            version=form.cleaned_data["version"],
            user=request.user,
            profile=request.profile,
            **form.service_values(),
        ),
        _("Wpis został poprawiony (status „wprowadzony”)."),
    )
    if done:
        return done
    return render(request, "eks/entry_form.html", {"card": card, "form": form, "entry": entry})


@require_POST
@role_required(Role.APPLICANT)
def entry_delete(request, pk):
    entry = get_entry(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return refused(request, entry.card, services.STALE_MESSAGE)
    try:
        services.delete_entry(
            entry.pk,
            version=form.cleaned_data["version"],
            user=request.user,
            profile=request.profile,
        )
    except services.EKSError as error:
        return refused(request, entry.card, error)
    messages.success(request, _("Wpis został usunięty."))
    return back_to(entry.card)


def _selection(request, card, service, done_message):
    form = EntrySelectionForm(request.POST)
    if not form.is_valid():
        return refused(request, card, _("Zaznacz co najmniej jeden wpis."))
    try:
        done = service(
            card.pk,
            versions=form.cleaned_data["entries"],
            user=request.user,
            profile=request.profile,
        )
    except STALE:
        return refused(request, card, services.STALE_MESSAGE)
    except services.EKSError as error:
        return refused(request, card, error)
    messages.success(request, done_message % {"count": len(done)})
    return _back(request, card)


def _back(request, card):
    if request.POST.get("next") == "queue":
        return redirect("eks:queue")
    return back_to(card)


@require_POST
@role_required(Role.APPLICANT)
def entries_submit(request, pk):
    """ "Przekaż do potwierdzenia": the chosen entries go to the kierownik."""
    card = get_card(request, pk)
    return _selection(
        request,
        card,
        services.submit_entries,
        _("Przekazano do potwierdzenia wpisów: %(count)s."),
    )


@require_POST
@role_required(Role.KIEROWNIK)
def entries_confirm(request, pk):
    """ "Potwierdź zaznaczone": the kierownik confirms the chosen entries at once."""
    card = get_card(request, pk)
    return _selection(request, card, services.confirm_entries, _("Potwierdzono wpisów: %(count)s."))


@require_http_methods(["GET", "POST"])
@role_required(Role.KIEROWNIK)
def entry_reject(request, pk):
    """ "Odrzuć" with a reason."""
    entry = get_entry(request, pk)
    card = entry.card
    if not has_transition_perm(entry.reject, request.profile):
        return refused(request, card, _("Tego wpisu nie można teraz odrzucić."))
    form = ReasonForm(
        request.POST or None,
        initial={"version": entry.version},
        label=_("Powód odrzucenia"),
    )
    done = run_form(
        request,
        form,
        card,
        lambda: services.reject_entry(
            entry.pk,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            user=request.user,
            profile=request.profile,
        ),
        _("Wpis został odrzucony; Diagnosta zobaczy powód."),
    )
    if done:
        return done
    return render(request, "eks/entry_reject.html", {"card": card, "entry": entry, "form": form})


@require_http_methods(["GET"])
@role_required(Role.KIEROWNIK)
def queue(request):
    """The kierownik's queue: the entries of every trainee waiting for confirmation."""
    waiting = Entry.objects.filter(status=EntryStatus.SUBMITTED).select_related("element")
    trainees = (
        scoped(cards(), request)
        # Also a profile that is the unit's staff too confirms only its own trainees here.
        .filter(appointments__kierownik=request.profile, appointments__until__isnull=True)
        .filter(entries__status=EntryStatus.SUBMITTED)
        .distinct()
        .prefetch_related(Prefetch("entries", queryset=waiting, to_attr="waiting_entries"))
        .order_by("last_name", "first_name", "pk")
    )
    return render(request, "eks/queue.html", {"trainees": trainees})
