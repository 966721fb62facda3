"""The published reach report's shape, for the tests of each of its outlets (the JSON API,
`manage.py reach_report`). Written out here rather than imported from campaigns.reach, so
that a change to what the report carries fails these tests until it is made here too."""

# The figures of the totals and of every breakdown key.
FIGURES = {
    "events",
    "attendance",
    "materials_distributed",
    "warnings",
    "help_requests",
    "videos_screened",
    "staff_count",
    "partner_events",
    "money_protected_yuan",
    "qr_scans",
    "unique_visitors",
}
# The breakdowns beside the totals.
BREAKDOWNS = ("by_venue_type", "by_audience", "by_district", "by_format", "by_month")
# The totals and each month also split attendance: in person + live stream = attendance.
SPLIT = {"in_person_attendance", "live_stream_viewers"}
SPLIT_BREAKDOWNS = ("by_month",)
