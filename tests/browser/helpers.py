"""What the journeys share besides fixtures: where screenshots go, signing in."""

import os
import tempfile
from pathlib import Path

# Screenshots of the journeys, to look at after a run (FANGZHA_SHOTS names another folder).
SHOTS = Path(os.environ.get("FANGZHA_SHOTS") or Path(tempfile.gettempdir()) / "shots")


def sign_in(page, site, username, password):
    """Sign in to the admin as one of the demo accounts (README)."""
    page.context.clear_cookies()
    page.goto(site + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(site + "/admin/")
