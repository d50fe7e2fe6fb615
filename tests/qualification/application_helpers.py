"""Rows and requests shared by the tests of the office's application screens."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import urlencode

from qualification.models import FormalEvaluation, Stage
from tests.factories import ApplicationFactory, ProcedureFactory, voivodeship


def procedure_at(stage=Stage.FORMAL_EVALUATION, name="mazowieckie", **kwargs):
    return ProcedureFactory(voivodeship=voivodeship(name), stage=stage, **kwargs)


def application_in(procedure, **kwargs):
    return ApplicationFactory(
        session=procedure.session, voivodeship=procedure.voivodeship, **kwargs
    )


def positive_application_in(procedure, **kwargs):
    return application_in(procedure, formal_evaluation=FormalEvaluation.POSITIVE, **kwargs)


def url(name, obj, **query):
    address = reverse(f"qualification:{name}", args=[obj.pk])
    if query:
        address += "?" + urlencode(query)
    return address


def csv_upload(text: str, *, bom=False, name="punktacja.csv"):
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def page_text(response) -> str:
    return response.content.decode()
