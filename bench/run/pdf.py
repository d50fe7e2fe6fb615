"""The referral PDF: ms per document (WeasyPrint)."""

import time

from bench.run.common import summary_ms
from bench.run.pages import client_for
from bench.run.subjects import Subjects


def measure_pdf(subjects: Subjects, iterations: int) -> dict:
    from django.urls import reverse

    url = reverse("referrals:referral_pdf", args=[subjects.issued.pk])
    client = client_for(subjects.clerk)
    response = client.get(url)
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        raise RuntimeError(f"GET {url} answered {response.status_code} without a PDF")
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {"url": url, **summary_ms(times), "bytes": len(response.content)}
