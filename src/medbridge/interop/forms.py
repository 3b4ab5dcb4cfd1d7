"""The upload form: it only refuses files not worth opening; the importer does the rest."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from medbridge.interop.services.reader import WorkbookError, check_file


class ImportForm(forms.Form):
    file = forms.FileField(label=_("导入文件"), help_text=_("使用导入模板填写的 .xlsx 文件"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            check_file(upload.name or "", upload.size or 0)
        except WorkbookError as error:
            raise ValidationError([e.message for e in error.errors]) from error
        return upload
