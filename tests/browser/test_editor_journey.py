"""An editor and a reviewer on a desktop walk the request-changes loop on a tagged guide.

Runs against the demo (tests/browser/conftest.py) with its accounts: editor
(Editors: writes and submits) and reviewer (Moderators: reviews and publishes), through
Wagtail's "Moderators approval" workflow, in the Chinese admin. Screenshots of the key
steps go to /tmp/shots/editor_*.png.
"""

import re

import pytest

from tests.browser.helpers import EXPLORER, SHOTS, read_change_request, request_changes, sign_in

pytestmark = pytest.mark.browser

# A guide with three scam types and two audiences ticked; no other browser test reads it.
GUIDE_TITLE = "帮爸妈防骗：子女能做的六件事"
GUIDE_PATH = "/zh-hans/materials/guide-family-help-parents/"
COMMENT = "请补充：可以帮父母开通来电拦截。"


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"editor_{name}.png"))


def open_editor(page, site, edit_path):
    """Open the edit view; it must answer with the form (a 500 has no summary field)."""
    response = page.goto(site + edit_path)
    assert response.status == 200
    return page.locator("textarea[name=summary]")


def more_actions(page):
    page.get_by_role("button", name="更多动作").click()


def test_request_changes_loop_on_a_tagged_guide(desktop, demo_site):
    page = desktop
    page.goto(demo_site + GUIDE_PATH)  # a reader's visit puts the page in the page cache
    first_summary = page.locator("main .lead").inner_text()

    # The editor finds the guide, checks its topics and saves a draft of a new summary.
    sign_in(page, demo_site, "editor", "fangzha-editor")
    page.goto(demo_site + "/admin/pages/search/?q=" + "帮爸妈防骗")
    page.get_by_role("link", name=GUIDE_TITLE).first.click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    edit_path = re.search(r"/admin/pages/\d+/edit/", page.url).group(0)
    page.get_by_role("tab", name="分类与审核").click()
    assert page.locator("input[name=scam_types]:checked").count() == 3
    assert page.locator("input[name=audiences]:checked").count() == 3  # 子女和家属 too
    page.get_by_role("tab", name="内容").click()
    page.fill("textarea[name=summary]", "草稿：父母被骗，往往是因为不好意思问。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()

    # Reopening a tagged page that has a draft used to answer 500.
    summary = open_editor(page, demo_site, edit_path)
    assert summary.input_value() == "草稿：父母被骗，往往是因为不好意思问。"
    shot(page, "1_draft_reopened")

    # ... and submits it to the reviewers.
    summary.fill("父母被骗，往往是因为不好意思问。子女多做几件小事，就多一道防线。")
    more_actions(page)
    page.get_by_role("button", name=re.compile("^提交给")).click()
    page.wait_for_url(EXPLORER)
    assert "已经提交进行审核" in page.locator(".messages").inner_text()
    shot(page, "2_submitted")

    # The reviewer finds it awaiting review and asks for a change, with a comment.
    request_changes(
        page,
        demo_site,
        edit_path=edit_path,
        title=GUIDE_TITLE,
        comment=COMMENT,
        screenshot=SHOTS / "editor_3_request_changes.png",
    )

    # The editor sees the request and the comment, edits and resubmits.
    read_change_request(
        page,
        demo_site,
        edit_path=edit_path,
        comment=COMMENT,
        screenshot=SHOTS / "editor_4_comment_seen.png",
    )
    summary = page.locator("textarea[name=summary]")
    new_summary = "父母被骗，往往是因为不好意思问。帮他们开通来电拦截，就多一道防线。"
    summary.fill(new_summary)
    more_actions(page)
    page.get_by_role("button", name=re.compile("^重新提交给")).click()
    page.wait_for_url(EXPLORER)
    assert "已经提交进行审核" in page.locator(".messages").inner_text()

    # The public still sees the published version while the change is in review.
    page.goto(demo_site + GUIDE_PATH)
    assert page.locator("main .lead").inner_text() == first_summary

    # The reviewer approves and publishes.
    sign_in(page, demo_site, "reviewer", "fangzha-reviewer")
    summary = open_editor(page, demo_site, edit_path)
    assert summary.input_value() == new_summary
    more_actions(page)
    shot(page, "5_approve")
    page.get_by_role("button", name=re.compile("^通过.*发布")).click()
    page.wait_for_url(EXPLORER)

    # Readers get the new summary at once (the cached copy is retired) with its topics.
    page.context.clear_cookies()
    page.goto(demo_site + GUIDE_PATH)
    assert page.locator("main .lead").inner_text() == new_summary
    assert page.locator("main").get_by_role("link", name="老年人", exact=True).count()
    shot(page, "6_published")
