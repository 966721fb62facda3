"""What the journeys share besides fixtures: where screenshots go, signing in."""

import os
import re
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


# Where Wagtail goes after a workflow action on a page: the page's explorer listing.
EXPLORER = re.compile(r".*/admin/pages/\d+/$")


def _open_page_editor(page, site, edit_path):
    response = page.goto(site + edit_path)
    assert response.status == 200


def request_changes(page, site, *, edit_path, title, comment, screenshot):
    """The demo's reviewer finds the page awaiting review (a link on their dashboard) and
    asks for a change with ``comment``, through Wagtail's "Moderators approval" workflow;
    ``screenshot`` is taken of the filled dialog before it is sent."""
    sign_in(page, site, "reviewer", "fangzha-reviewer")
    assert page.get_by_role("link", name=title).count()
    _open_page_editor(page, site, edit_path)
    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="请求修改").click()
    dialog = page.locator(".modal-content").filter(has=page.locator("textarea[name=comment]"))
    dialog.locator("textarea[name=comment]").fill(comment)
    page.screenshot(path=str(screenshot))
    dialog.get_by_role("button", name="请求修改").click()
    page.wait_for_url(EXPLORER)


def read_change_request(page, site, *, edit_path, comment, screenshot):
    """The demo's editor opens the page and reads the reviewer's ``comment`` in the status
    panel's workflow details (``screenshot`` of them), then closes the dialog."""
    sign_in(page, site, "editor", "fangzha-editor")
    _open_page_editor(page, site, edit_path)
    page.locator("[data-side-panel-toggle=status]").click()
    page.get_by_role("button", name="查看详情").click()
    page.locator("#workflow-status-dialog").get_by_text(comment).wait_for(state="visible")
    page.screenshot(path=str(screenshot))
    page.keyboard.press("Escape")


def confirm_same_day_if_asked(page) -> bool:
    """Another event at this venue today (the demo's, or an earlier test's): the form asks
    to confirm that this one is a different event (issue 13); tick the box."""
    box = page.locator("input[name=confirm_same_day]")
    if box.count():
        box.press("Space")  # from the keyboard: without its script the sidebar covers it
        assert box.is_checked()
        return True
    return False
