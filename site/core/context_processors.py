"""Template context shared by every public page."""

CARE_MODE_COOKIE = "care_mode"


def care_mode(request):
    """关怀模式 (large text): a reader preference kept in a cookie, so it works without JS."""
    return {"care_mode": request.COOKIES.get(CARE_MODE_COOKIE) == "1"}
