"""Placeholder until the importer lands; replaced in the same change set."""

from django.http import HttpRequest, HttpResponse


def import_upload(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(status=501)


def template_download(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def export_download(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
