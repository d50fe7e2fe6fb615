"""What the referral form's tests share: the dates, the files, and reading a page (its text,
buttons, messages, the error next to a field)."""

import datetime
import html
import re

from django.urls import reverse

from referrals.models import ReferralStatus

S = ReferralStatus
START = datetime.date(2026, 10, 1)
END = datetime.date(2030, 9, 30)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def url(name, referral, query=""):
    return reverse(f"referrals:{name}", args=[referral.pk]) + (f"?{query}" if query else "")


def text(response) -> str:
    return html.unescape(response.content.decode())


BUTTON = re.compile(r'<button type="submit" name="action" value="([a-z_]+)"[^>]*>([^<]+)</button>')


def buttons(response) -> list[str]:
    return [html.unescape(label) for _action, label in BUTTON.findall(response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def post_action(client, referral, action, **data):
    payload = {"action": action, "version": referral.version} | data
    return client.post(url("referral_form", referral), payload)


def field_error(response, section_id):
    """The error text rendered inside the section of the field."""
    page = text(response)
    start = page.index(f'id="{section_id}"')
    section = page[start : page.index("</fieldset>", start)]
    return re.findall(r'class="field__error"[^>]*>([^<]+)<', section)
