"""Fill or correct zh_Hans translations: python site/locale/fill.py 'msgid=译文' …

A small helper for maintainers (makemessages needs GNU gettext; this needs only Babel).
With no arguments it lists the entries that are still untranslated or fuzzy.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main(pairs: list[str]) -> int:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hans")
    wanted = dict(pair.split("=", 1) for pair in pairs)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in wanted:
            message.string = wanted[key] if isinstance(message.id, str) else (wanted[key],)
            message.flags.discard("fuzzy")
        text = message.string if isinstance(message.string, str) else message.string[0]
        if not text or message.fuzzy:
            missing.append(key)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    for key in missing:
        print(f"untranslated: {key!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
