"""Formularz skierowania for the voivodeship office (seed 000 §5.2–§12, §14).

One page shows the referral and application data, the diagnostician, the unit, the programme
with its planned dates and the decision. Its buttons are exactly the transitions django-fsm
opens to the active profile, so the page never offers a move the model refuses; every button
posts the one form, and the view hands it to the matching function of
:mod:`referrals.services`, which decides under the row lock.

Choosing a unit or a programme is not saved (seed §6.1: it is kept with "Zapisz wersję
roboczą"): the choice travels back to the form in the query string, the form shows it as not
saved yet and carries it in hidden fields until a button is pressed.

One module per step: :mod:`.page` (what the page shows and which buttons it offers),
:mod:`.actions` (the page's view and its buttons, the non-commencement decision, the register
entry), :mod:`.choosers` ("Wybierz jednostkę", "Wybierz program"), :mod:`.documents` (the
history, the PDF, the decision's attachment); :mod:`.common` holds what they share.
"""

from django.urls import path

from referrals.views.form.actions import referral_form, referral_not_started, referral_strike_off
from referrals.views.form.choosers import referral_choose_programme, referral_choose_unit
from referrals.views.form.documents import decision_attachment, referral_history, referral_pdf

urlpatterns = [
    path("<int:pk>/", referral_form, name="referral_form"),
    path("<int:pk>/wybierz-jednostke/", referral_choose_unit, name="referral_choose_unit"),
    path("<int:pk>/wybierz-program/", referral_choose_programme, name="referral_choose_programme"),
    path("<int:pk>/niepodjecie-szkolenia/", referral_not_started, name="referral_not_started"),
    path("<int:pk>/wpis-do-rejestru/", referral_strike_off, name="referral_strike_off"),
    path("<int:pk>/historia/", referral_history, name="referral_history"),
    path("<int:pk>/skierowanie.pdf", referral_pdf, name="referral_pdf"),
    path("<int:pk>/zalacznik-decyzji/", decision_attachment, name="decision_attachment"),
]
