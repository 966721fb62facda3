"""Ids read from URLs and query strings, bounded by what the database can hold.

A number past the id column's range is no id of anything: on PostgreSQL it raises
DataError (bigint out of range), on SQLite OverflowError, in lookups Django does not
guard itself (a one-to-one parent link such as a page type's ``page_ptr``, ``__in``).
Views answer it with 404 or an empty result instead.
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
