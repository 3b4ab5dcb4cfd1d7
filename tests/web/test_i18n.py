"""English must render: every catalogue entry is translated and compiled."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

import medbridge

CATALOGUE = Path(medbridge.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs; plural entries contribute their singular and first form."""
    entries, current, key = [], {"msgid": "", "msgstr": ""}, ""
    for line in [*CATALOGUE.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            key = line.split(" ", 1)[0].replace("[0]", "")
            current[key] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith('"') and key in current:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current["msgid"]:
                entries.append((current["msgid"], current["msgstr"]))
            current, key = {"msgid": "", "msgstr": ""}, ""
        else:
            key = ""
    return entries


def test_every_chinese_string_has_an_english_translation() -> None:
    missing = [msgid for msgid, msgstr in _entries() if not msgstr]
    assert missing == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    with translation.override("en"):
        stale = [m for m, s in _entries() if "%" not in m and translation.gettext(m) != s]
    assert stale == []
