"""The referral as a document: "Pobierz skierowanie (PDF)" for the office and, through the
API, for the unit it was sent to. One template, rendered by WeasyPrint (smk/pdf.py)."""

from django.utils import timezone

from referrals.models import DecidedBy, ReferralStatus
from smk.audit import history
from smk.pdf import pdf_response

#: Statuses in which the referral has been issued to a unit.
ISSUED_STATUSES = (ReferralStatus.ISSUED, ReferralStatus.STARTED, ReferralStatus.REJECTED)


def is_issued_document(referral) -> bool:
    """Sent to a unit at some point: "Pobierz skierowanie (PDF)" is offered."""
    return is_issued(referral.status, referral.sent_at, referral.decided_by_kind)


def is_issued(status, sent_at, decided_by_kind) -> bool:
    """:func:`is_issued_document` from a referral's values (the API's list reads no models)."""
    if status in ISSUED_STATUSES:
        return True
    return status == ReferralStatus.NOT_STARTED and bool(
        sent_at or decided_by_kind == DecidedBy.UNIT
    )


def issue_date(referral):
    if referral.sent_at:
        return timezone.localtime(referral.sent_at).date()
    sent = [e for e in history(referral) if e.action == "referral.sent"]
    return timezone.localtime(sent[-1].created_at).date() if sent else None


def referral_pdf_response(referral, *, request=None):
    context = {
        "referral": referral,
        "application": referral.application,
        "issue_date": issue_date(referral),
        "generated_at": timezone.localtime(),
    }
    filename = "skierowanie-" + referral.number.replace("/", "-") + ".pdf"
    return pdf_response("referrals/form/referral_pdf.html", context, filename, request=request)
