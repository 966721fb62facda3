"""Chinese number formats: Django's zh_Hans has no thousands separator, so intcomma wrote
12345 for 12,345. Report readers expect 12,345 (groups of three, as in official
statistics); everything else falls through to Django's zh_Hans formats."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# Django's zh_Hans lists "%Y年%n月%j日", which strptime cannot read (%n, %j are not month
# and day there): 2026年5月31日 was refused. %m and %d also read 5 and 1.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
