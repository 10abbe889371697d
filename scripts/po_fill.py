#!/usr/bin/env python
"""Fill Chinese translations into locale/zh_Hans/LC_MESSAGES/django.po.

Usage: scripts/po_fill.py FILE.tsv   (lines: English msgid <TAB> 中文; plural as
"singular|plural" <TAB> "中文"). Lists the msgids still untranslated afterwards.
Run `manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests` first.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def main() -> None:
    po = polib.pofile(str(PO))
    pairs = {}
    for path in sys.argv[1:]:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                en, zh = line.split("\t", 1)
                pairs[en] = zh
    for entry in po:
        key = f"{entry.msgid}|{entry.msgid_plural}" if entry.msgid_plural else entry.msgid
        if key in pairs:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: pairs[key]}
            else:
                entry.msgstr = pairs[key]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")


if __name__ == "__main__":
    main()
