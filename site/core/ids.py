"""Ids read from URLs and query strings, bounded by what the database can hold.

A number past the id column's range is no id of anything. Django guards plain integer
lookups itself, but not a one-to-one parent link (a page type's ``page_ptr``) or ``__in``:
there SQLite raises OverflowError (a 500). PostgreSQL, as psycopg binds such a number,
matches nothing. Views check first and answer 404 or an empty result on both.
"""

from django.http import Http404

MAX_ID = 2**63 - 1  # bigint; also SQLite's INTEGER


def parse_id(value) -> int | None:
    """A positive id from text or a number, or None when it is not one the database can
    hold."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def id_or_404(value) -> int:
    number = parse_id(value)
    if number is None:
        raise Http404
    return number
