"""Chinese is the default language: every message has a translation, and the compiled
catalogue the server loads matches the source catalogue."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries(path: Path) -> list[tuple[str, str | None, str, bool]]:
    """(msgctxt, msgid, msgstr or first plural form, fuzzy) for each entry of a .po file."""
    entries, current, field, fuzzy = [], {}, None, False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current:
            entries.append(
                (
                    current.get("msgctxt"),
                    current["msgid"],
                    current.get("msgstr", current.get("msgstr[0]", "")),
                    fuzzy,
                )
            )
        current, fuzzy = {}, False

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
    flush()
    return [e for e in entries if e[1]]  # the header has an empty msgid


def test_every_message_has_a_chinese_translation():
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) > 100
    missing = [msgid for _ctx, msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


def test_the_compiled_catalogue_is_up_to_date():
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for context, msgid, msgstr, _fuzzy in _po_entries(CATALOGUE / "django.po"):
        translated = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        if translated != msgstr:
            stale.append(msgid)
    assert stale == [], "run `make messages` to recompile the catalogue"
