"""The certificate of attendance (结业证明) of a course, as a PDF.

WeasyPrint lays out an HTML template; the Chinese text needs a CJK font on the
machine (Debian's fonts-wqy-microhei, which .ci/run installs when missing)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from medbridge.activities.selectors import CertificateData


def render_html(data: CertificateData) -> str:
    return render_to_string("activities/certificate.html", {"c": data, "issued": timezone.localdate()})


def render_pdf(data: CertificateData) -> bytes:
    # Imported here: WeasyPrint loads Pango through cffi, which only the
    # certificate needs, so the rest of the site starts without paying for it.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(data)).write_pdf()
    return pdf
