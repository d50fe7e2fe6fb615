"""PDF documents (referral, application, ranking list, role request) rendered by WeasyPrint.

Templates are ordinary Django templates; fonts are the system's DejaVu (Polish characters),
stylesheets are read from the static files, never fetched over the network.
"""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


def _no_network(url, *args, **kwargs):
    raise ValueError(f"PDF rendering does not fetch {url}")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context, request=request)
    stylesheet = finders.find("css/pdf.css")
    return HTML(string=html, url_fetcher=_no_network).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )


def pdf_response(template_name: str, context: dict, filename: str, *, request=None):
    response = HttpResponse(
        render_pdf(template_name, context, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
