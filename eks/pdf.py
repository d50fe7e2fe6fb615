"""The EKS as a document (issue 17, item 6): the card with every confirmed element of the
programme and the confirmations, rendered by WeasyPrint (smk/pdf.py)."""

from django.utils import timezone

from eks.statuses import EntryStatus
from smk.pdf import pdf_response


def card_pdf_context(card) -> dict:
    progress = card.progress
    modules = [
        {
            "module": module.module,
            "elements": [
                {
                    "progress": item,
                    "confirmed": [e for e in item.entries if e.status == EntryStatus.CONFIRMED],
                }
                for item in module.elements
            ],
        }
        for module in progress.modules
    ]
    return {
        "card": card,
        "progress": progress,
        "modules": modules,
        "appointments": list(
            card.appointments.select_related("kierownik__user").order_by("since", "pk")
        ),
        "generated_at": timezone.localtime(),
    }


def card_pdf_response(card, *, request=None):
    filename = "eks-" + card.number.replace("/", "-") + ".pdf"
    return pdf_response("eks/card_pdf.html", card_pdf_context(card), filename, request=request)
