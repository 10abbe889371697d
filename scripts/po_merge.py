#!/usr/bin/env python
"""After a git merge: fill the Chinese catalogue's empty entries from other versions of it.

Usage (on a conflicted merge):
    git show MERGE_HEAD:locale/zh_Hans/LC_MESSAGES/django.po > /tmp/theirs.po
    git checkout --ours locale
    DEBUG=true .venv/bin/python manage.py makemessages -l zh_Hans -l en \
        --ignore=.venv --ignore=tests
    scripts/po_merge.py /tmp/theirs.po
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def main() -> None:
    po = polib.pofile(str(PO))
    known: dict[tuple[str, str, str], polib.POEntry] = {}
    for path in sys.argv[1:]:
        for entry in polib.pofile(path):
            if entry.translated() and not entry.obsolete:
                known.setdefault((entry.msgctxt or "", entry.msgid, entry.msgid_plural), entry)
    filled = 0
    for entry in po:
        if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        source = known.get((entry.msgctxt or "", entry.msgid, entry.msgid_plural))
        if source is None:
            continue
        entry.msgstr = source.msgstr
        entry.msgstr_plural = dict(source.msgstr_plural)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    print(f"filled {filled}; untranslated left: {len(missing)}")
    for msgid in missing:
        print(f"  {msgid!r}")


if __name__ == "__main__":
    main()
