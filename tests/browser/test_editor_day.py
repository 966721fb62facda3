"""An editor's day, walked in a real browser (issue 12's journeys), on a desktop in the
Chinese admin of the demo served by a real server process (tests/browser/conftest.py).

1. The editor writes a new guide (several blocks, an uploaded photo, a scam type and an
   audience), saves a draft, previews and submits it; the reviewer asks for a change with
   a comment; the editor reads it, fixes and resubmits; the reviewer approves. Readers
   find the guide at once in the library, search and sitemap, in standard text and in
   elder mode (关怀模式).
2. A translator (the reviewer, who may publish) makes the English version of a demo guide
   in wagtail-localize's editor and publishes it; the language switch leads between the
   two; the Chinese source is republished and the 翻译状态 report (Reports menu) says the
   English version is out of date (已过期). No Chinese is left in the English page.
3. The editor schedules a page; the project's beat task (core.tasks.publish_scheduled_pages),
   run by the test in the server's environment, makes it live at its time and takes it
   down at its expiry.
4. The editor cannot publish, reach campaign data, or change the site settings.

Pages are found by their titles and the URLs Wagtail gives them (never by slug), so the
tests hold when slugs change. Screenshots go to $FANGZHA_SHOTS (/tmp/shots) as day_*.png.
"""

import random
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import expect

from tests.browser.helpers import EXPLORER, SHOTS, read_change_request, request_changes, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EDIT_URL = re.compile(r".*/admin/pages/(\d+)/edit/$")
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the demo's TIME_ZONE, and its editors' clocks

# Journey 1's guide: what an editor writes the day a new script starts going round.
GUIDE_TITLE = "网购“退款来电”先核实：冒充电商客服诈骗应对"
GUIDE_WORD = "退款来电"  # a reader types this into the search box
GUIDE_SUMMARY = "接到自称电商客服的“退款”电话，先挂断，再从购物App里联系官方客服核实。"
HEADING = "骗子怎么说"
PARAGRAPH = "对方能准确报出您的订单号和收货地址，说商品有质量问题，要给您“双倍退款”。"
SIGNS = ["要求下载会议软件或开启屏幕共享", "让您在“备用金”“百万保障”页面输入验证码"]
IMAGE_ALT = "一位老人拿着手机，屏幕上是自称客服的来电"
FIX_REQUEST = "请在危险信号里补一条：要求开通借贷额度“验证流水”的，都是骗子。"
FIXED_SIGN = "要求开通借贷额度“验证流水”"


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"day_{name}.png"))


def phone_photo(folder: Path) -> Path:
    """A JPEG shaped like a phone photo: 1600×1200, a sky-to-ground gradient, a few soft
    shapes and sensor noise (a flat colour compresses to nothing and fools size checks)."""
    rng = random.Random(12)  # noqa: S311 - shapes of a test photo, not secrets
    image = Image.new("RGB", (1600, 1200))
    draw = ImageDraw.Draw(image)
    for y in range(1200):
        t = y / 1199
        draw.line(
            [(0, y), (1600, y)], fill=(int(90 + 120 * t), int(140 + 60 * t), int(200 - 90 * t))
        )
    for _ in range(12):
        x, y, r = rng.randrange(1600), rng.randrange(1200), rng.randrange(60, 260)
        colour = tuple(rng.randrange(40, 230) for _ in range(3))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise((1600, 1200), 24).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    path = folder / "IMG_20261130_142233.jpg"
    image.save(path, "JPEG", quality=88)
    return path


def more_actions(page):
    page.get_by_role("button", name="更多动作").click()


def open_editor(page, site, edit_path):
    response = page.goto(site + edit_path)
    assert response.status == 200
    return page


def add_block(page, label):
    """Append a block to the body with the last "+" of the stream, by its Chinese name."""
    page.locator("button.c-sf-add-button:not([data-streamfield-list-add])").last.click()
    page.get_by_role("option", name=label, exact=True).click()


def save_draft(page):
    """Click 保存草稿 and wait for the edit view it leads to (autosave may be busy)."""
    with page.expect_navigation(timeout=45_000):
        page.get_by_role("button", name="保存草稿").click()


def type_rich_text(page, name, text):
    """Type into the Draftail editor of the field NAME, as an editor does, and wait until
    Draftail has copied it into the form (a save clicked before that sends it empty)."""
    field = page.locator(f"input[name='{name}']")
    field.locator("xpath=..").locator(".public-DraftEditor-content").click()
    page.keyboard.type(text)
    expect(field).to_have_value(re.compile(re.escape(text)))


def guide_links(page, url) -> list[str]:
    """The paths the links titled GUIDE_TITLE lead to on URL, as a reader's browser sees it."""
    response = page.goto(url)
    assert response.status == 200, url
    return (
        page.locator("main")
        .get_by_role("link", name=GUIDE_TITLE)
        .evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    )


def readers_find(page, site, path, *, elder: bool) -> dict[str, bool]:
    """Where a reader (no account), in standard text or elder mode, finds the guide at
    PATH: in the library, in search for GUIDE_WORD, in sitemap.xml."""
    page.context.clear_cookies()
    if elder:
        page.goto(site + "/care-mode/on/?next=/zh-hans/")
    found = {
        "library": path in guide_links(page, site + "/zh-hans/materials/"),
        "search": path in guide_links(page, site + f"/zh-hans/search/?q={GUIDE_WORD}"),
    }
    assert ("care-mode" in (page.locator("html").get_attribute("class") or "")) == elder
    sitemap = page.request.get(site + "/sitemap.xml")
    assert sitemap.status == 200
    found["sitemap"] = f"{path}</loc>" in sitemap.text()
    return found


def test_editor_writes_a_guide_that_goes_through_review_to_readers(desktop, demo_site, tmp_path):
    page = desktop
    # Readers have the library, search and sitemap in the page cache before the guide
    # exists, in both text modes: the publish must retire those copies.
    for elder in (False, True):
        page.context.clear_cookies()
        if elder:
            page.goto(demo_site + "/care-mode/on/?next=/zh-hans/")
        assert not guide_links(page, demo_site + "/zh-hans/materials/")
        assert not guide_links(page, demo_site + f"/zh-hans/search/?q={GUIDE_WORD}")

    # The editor opens the library in the page explorer and adds a guide under it.
    sign_in(page, demo_site, "editor", "fangzha-editor")
    page.goto(demo_site + "/admin/pages/search/?q=资料库")
    library_edit = page.get_by_role("link", name="资料库", exact=True).first.get_attribute("href")
    library_id = re.search(r"/admin/pages/(\d+)/", library_edit).group(1)
    page.goto(demo_site + f"/admin/pages/{library_id}/add_subpage/")
    page.get_by_role("link", name="防骗指南", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/pages/add/materials/guidepage/\d+/$"))

    page.fill("#id_title", GUIDE_TITLE)
    page.fill("textarea[name=summary]", GUIDE_SUMMARY)
    add_block(page, "小标题")
    page.fill("input[name='body-0-value']", HEADING)
    add_block(page, "正文段落")
    type_rich_text(page, "body-1-value", PARAGRAPH)
    add_block(page, "危险信号")
    page.fill("input[name='body-2-value-signs-0-value']", SIGNS[0])
    page.locator("[data-contentpath='signs'] button[data-streamfield-list-add]").last.click()
    page.fill("input[name='body-2-value-signs-1-value']", SIGNS[1])
    add_block(page, "图片")
    shot(page, "1_blocks")

    # The photo is uploaded from the image block's chooser, with its alt text.
    page.locator("#body-3-value-image-image-chooser [data-chooser-action-choose]").click()
    modal = page.locator(".modal-content")
    modal.get_by_role("tab", name="上传").click()
    modal.locator("input[type=file]").set_input_files(str(phone_photo(tmp_path)))
    modal.locator("input[name$='title']").fill("冒充客服来电（配图）")
    modal.locator("input[name$='upload-description']").fill(IMAGE_ALT)
    shot(page, "2_upload")
    modal.locator("form button[type=submit]").click()
    modal.wait_for(state="detached")
    assert page.locator("input[name='body-3-value-image-alt_text']").input_value() == IMAGE_ALT
    page.fill("input[name='body-3-value-caption']", "骗子能报出订单号，是因为个人信息已经泄露。")
    add_block(page, "反诈专线提示框")
    page.fill("input[name='body-4-value-text']", "接到“退款”电话拿不准，先打反诈专线问一问。")

    # The same photo heads the guide's card in the library.
    page.locator("[data-contentpath='listing_image'] [data-chooser-action-choose]").click()
    modal.get_by_role("link", name="冒充客服来电（配图）").first.click()
    modal.wait_for(state="detached")

    # One scam type and one audience, in Chinese.
    page.get_by_role("tab", name="分类与审核").click()
    page.get_by_label("冒充客服退款理赔", exact=True).first.check()
    page.get_by_label("老年人", exact=True).first.check()
    page.get_by_role("tab", name="内容").click()
    save_draft(page)
    page.wait_for_url(EDIT_URL)
    edit_path = re.search(r"/admin/pages/\d+/edit/", page.url).group(0)
    assert page.locator(".messages .success, .messages").first.is_visible()
    shot(page, "3_draft_saved")

    # The preview panel shows the guide as readers will see it, photo and all.
    page.locator("[data-side-panel-toggle=preview]").click()
    # (Wagtail loads each refresh into a proxy iframe, then gives it the panel's id.)
    preview = page.frame_locator("#w-preview-iframe")
    preview.locator("h1", has_text=GUIDE_TITLE).wait_for()
    assert preview.get_by_text(SIGNS[1]).count()
    assert preview.get_by_role("img", name=IMAGE_ALT).count()
    shot(page, "4_preview")
    page.locator("[data-side-panel-toggle=preview]").click()

    # The editor submits it for review.
    more_actions(page)
    page.get_by_role("button", name=re.compile("^提交")).click()
    page.wait_for_url(EXPLORER)
    assert "已经提交进行审核" in page.locator(".messages").inner_text()
    shot(page, "5_submitted")

    # The reviewer finds it on the dashboard and asks for a change, with a comment.
    request_changes(
        page,
        demo_site,
        edit_path=edit_path,
        title=GUIDE_TITLE,
        comment=FIX_REQUEST,
        screenshot=SHOTS / "day_6_request_changes.png",
    )

    # The editor sees the request and its comment, adds the sign and resubmits.
    read_change_request(
        page,
        demo_site,
        edit_path=edit_path,
        comment=FIX_REQUEST,
        screenshot=SHOTS / "day_7_comment_seen.png",
    )
    page.locator("[data-contentpath='signs'] button[data-streamfield-list-add]").last.click()
    page.fill("input[name='body-2-value-signs-2-value']", FIXED_SIGN)
    more_actions(page)
    page.get_by_role("button", name=re.compile("^重新提交")).click()
    page.wait_for_url(EXPLORER)
    assert "已经提交进行审核" in page.locator(".messages").inner_text()

    # Nothing is public while it is in review.
    page.context.clear_cookies()
    assert not guide_links(page, demo_site + "/zh-hans/materials/")

    # The reviewer approves and publishes.
    sign_in(page, demo_site, "reviewer", "fangzha-reviewer")
    open_editor(page, demo_site, edit_path)
    assert page.locator("input[name='body-2-value-signs-2-value']").input_value() == FIXED_SIGN
    more_actions(page)
    shot(page, "8_approve")
    page.get_by_role("button", name=re.compile("^通过.*发布")).click()
    page.wait_for_url(EXPLORER)

    # Readers find it at once, in standard text and in elder mode.
    page.context.clear_cookies()
    page.goto(demo_site + f"/zh-hans/search/?q={GUIDE_WORD}")
    page.get_by_role("link", name=GUIDE_TITLE).first.click()
    path = page.evaluate("location.pathname")
    assert page.locator("h1").inner_text() == GUIDE_TITLE
    assert page.get_by_text(FIXED_SIGN).count()
    assert page.get_by_role("img", name=IMAGE_ALT).count()
    assert page.locator("main").get_by_role("link", name="老年人", exact=True).count()
    shot(page, "9_published")
    for elder in (False, True):
        found = readers_find(page, demo_site, path, elder=elder)
        assert found == {"library": True, "search": True, "sitemap": True}, (elder, found)
    page.get_by_role("link", name=GUIDE_TITLE).first.scroll_into_view_if_needed()
    shot(page, "10_elder_search")


# Journey 4's guide, live in the demo; no other browser test changes it.
LIVE_GUIDE = "你的银行卡，为什么不能借"
CAMPAIGN_URLS = [
    "/admin/campaigns/events/",
    "/admin/campaigns/campaigns/",
    "/admin/campaigns/teams/",
    "/admin/campaigns/venues/",
    "/admin/campaigns/links/",
    "/admin/campaigns/reach/",
    "/admin/campaigns/big-screen/",
    "/api/v1/reach/",
]
TEAM = "江南区反诈中心"  # a demo team: campaign data shows its name


def public_path(page, site, title, word) -> str:
    """Where readers find the page titled TITLE: the first search result for WORD."""
    page.goto(site + f"/zh-hans/search/?q={word}")
    return page.get_by_role("link", name=title).first.evaluate("a => new URL(a.href).pathname")


def lead_text(page, site, path) -> str:
    page.context.clear_cookies()
    page.goto(site + path)
    return page.locator("main .lead").inner_text()


def csrf_token_of(page) -> str:
    """The signed-in browser's CSRF token, as a forged form would send it."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_editor_cannot_publish_reach_campaign_data_or_change_site_settings(desktop, demo_site):
    page = desktop
    path = public_path(page, demo_site, LIVE_GUIDE, "银行卡")
    published_summary = lead_text(page, demo_site, path)
    hotline = page.locator("a[href^='tel:']").first.get_attribute("href")

    sign_in(page, demo_site, "editor", "fangzha-editor")
    # No campaign item in the menu, nor a link to campaign data anywhere on the dashboard.
    assert "/admin/campaigns/" not in page.content()
    assert "/admin/settings/" not in page.content()

    # The guide's editor offers no Publish action.
    page.goto(demo_site + f"/admin/pages/search/?q={LIVE_GUIDE}")
    page.get_by_role("link", name=LIVE_GUIDE).first.click()
    page.wait_for_url(EDIT_URL)
    page_id = EDIT_URL.match(page.url).group(1)
    more_actions(page)
    actions = page.locator("[data-w-dropdown-target=content]").last
    assert not actions.get_by_role("button", name=re.compile("^发布")).count()
    assert not page.get_by_role("button", name=re.compile("^发布$")).count()
    shot(page, "40_no_publish_action")
    page.keyboard.press("Escape")

    # A forged "publish" from the edit form saves a draft; readers keep the published text.
    page.fill("textarea[name=summary]", "草稿：借卡给别人，就是在帮骗子洗钱。")
    page.evaluate(
        """() => {
            const form = document.querySelector('form[data-edit-form]')
                || document.querySelector('#page-edit-form');
            const publish = document.createElement('input');
            publish.type = 'hidden'; publish.name = 'action-publish'; publish.value = '1';
            form.appendChild(publish);
            form.submit();
        }"""
    )
    page.wait_for_load_state()
    assert page.locator("textarea[name=summary]").input_value() != ""
    page.goto(demo_site + f"/admin/pages/{page_id}/edit/")
    token = csrf_token_of(page)
    # ... and the bulk Publish action publishes nothing for an editor.
    bulk = page.request.post(
        demo_site + f"/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": demo_site + "/admin/"},
    )
    assert bulk.status < 500
    assert lead_text(page, demo_site, path) == published_summary

    # Campaign data: every admin screen and the reach API are refused, showing no team.
    sign_in(page, demo_site, "editor", "fangzha-editor")
    for url in CAMPAIGN_URLS:
        response = page.goto(demo_site + url)
        refused = response.status in (401, 403, 404) or "/admin/campaigns/" not in page.url
        assert refused, (url, response.status, page.url)
        assert TEAM not in page.content(), url
        if url == CAMPAIGN_URLS[0]:
            shot(page, "41_campaign_events_refused")

    # Site settings: the form is refused and a forged POST changes nothing.
    response = page.goto(demo_site + "/admin/settings/core/sitesettings/")
    assert response.status == 403 or "/admin/settings/" not in page.url, page.url
    assert not page.locator("input[name=hotline]").count()
    shot(page, "42_settings_refused")
    token = csrf_token_of(page)
    for site_id in (1, 2):
        response = page.request.post(
            demo_site + f"/admin/settings/core/sitesettings/{site_id}/",
            form={"csrfmiddlewaretoken": token, "hotline": "12345678", "emergency_number": "110"},
            headers={"Referer": demo_site + "/admin/"},
        )
        assert response.status < 500
    page.context.clear_cookies()
    page.goto(demo_site + path)
    assert page.locator("a[href^='tel:']").first.get_attribute("href") == hotline


# Journey 3's alert: written the evening before, live in the morning, gone when stale.
ALERT_TITLE = "双十二将至：谨防“购物节退款”诈骗电话"
ALERT_SUMMARY = "购物节前后，冒充电商客服以“商品质量问题”为由要求退款的诈骗电话增多。"
ALERT_BODY = "凡是要求您开启屏幕共享、下载会议软件或提供验证码的“客服”，都是骗子。"


def run_beat_task(env: dict) -> None:
    """Run the beat-scheduled task core.tasks.publish_scheduled_pages as beat would, in the
    demo server's environment (its database; without a broker the task runs inline)."""
    code = "from core.tasks import publish_scheduled_pages; publish_scheduled_pages.delay().get()"
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )


def status_of(page, url) -> int:
    page.context.clear_cookies()
    return page.request.get(url).status


def eventually(check, seconds: float = 15) -> bool:
    """Whether CHECK comes true within SECONDS (asked once a second)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def alert_titles(page, url) -> str:
    page.context.clear_cookies()
    page.goto(url)
    return page.locator("main").inner_text()


def wait_until(moment: datetime) -> None:
    delay = (moment - datetime.now(SHANGHAI)).total_seconds()
    if delay > 0:
        time.sleep(delay + 1)


def test_editor_schedules_an_alert_that_goes_live_and_expires(desktop, demo_server):
    demo_site, env = demo_server
    page = desktop
    sign_in(page, demo_site, "editor", "fangzha-editor")
    page.goto(demo_site + "/admin/pages/search/?q=防骗预警")
    index_edit = page.get_by_role("link", name="防骗预警", exact=True).first.get_attribute("href")
    index_id = re.search(r"/admin/pages/(\d+)/", index_edit).group(1)
    page.goto(demo_site + f"/admin/pages/{index_id}/add_subpage/")
    page.wait_for_url(re.compile(r".*/admin/pages/add/materials/alertpage/\d+/$"))
    page.fill("#id_title", ALERT_TITLE)
    page.fill("textarea[name=summary]", ALERT_SUMMARY)
    type_rich_text(page, "body", ALERT_BODY)
    save_draft(page)
    page.wait_for_url(EDIT_URL)
    edit_path = re.search(r"/admin/pages/\d+/edit/", page.url).group(0)

    # Go-live at the next whole minute at least 45 s away (the schedule dialog takes
    # minutes), expiry one minute later; in the demo's time zone, as the editor's clock.
    go_live = (datetime.now(SHANGHAI) + timedelta(seconds=105)).replace(second=0, microsecond=0)
    expiry = go_live + timedelta(minutes=1)
    page.locator("[data-side-panel-toggle=status]").click()
    page.locator("[data-a11y-dialog-show='schedule-publishing-dialog']").first.click()
    dialog = page.locator("#schedule-publishing-dialog")
    dialog.locator("input[name=go_live_at]").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    dialog.locator("input[name=go_live_at]").press("Tab")
    dialog.locator("input[name=expire_at]").fill(expiry.strftime("%Y-%m-%d %H:%M"))
    dialog.locator("input[name=expire_at]").press("Tab")
    dialog.get_by_role("heading").first.click()  # closes the date picker over the buttons
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    shot(page, "30_schedule_dialog")
    # The dialog's save button saves the draft with it. Pressed from the keyboard: a
    # date picker the dialog reopens under a busy machine can lie over the button.
    with page.expect_navigation():
        dialog.locator("button[type=submit]").focus()
        page.keyboard.press("Enter")
    assert page.locator("input[name=go_live_at]").input_value() == go_live.strftime(
        "%Y-%m-%d %H:%M"
    )
    slug = page.locator("input[name=slug]").input_value()
    assert re.fullmatch(r"[a-z0-9-]+", slug), slug  # readers get an ASCII address
    shot(page, "31_scheduled_draft")
    more_actions(page)
    page.get_by_role("button", name=re.compile("^提交")).click()
    page.wait_for_url(EXPLORER)

    sign_in(page, demo_site, "reviewer", "fangzha-reviewer")
    open_editor(page, demo_site, edit_path)
    more_actions(page)
    page.get_by_role("button", name=re.compile("^通过.*发布")).click()
    page.wait_for_url(EXPLORER)
    assert datetime.now(SHANGHAI) < go_live, "too slow to approve before the go-live time"
    shot(page, "32_approved_scheduled")

    alerts = demo_site + "/zh-hans/alerts/"
    url = alerts + slug + "/"
    # The alert list, cached for readers before the scheduled publish.
    assert ALERT_TITLE not in alert_titles(page, alerts)
    assert status_of(page, url) == 404
    run_beat_task(env)  # before its time, the task leaves it alone
    assert status_of(page, url) == 404

    # The beat task runs in another process: the server sees the change through the cache
    # epoch in the database within CACHE_EPOCH_CHECK_SECONDS (10 s), as in production.
    wait_until(go_live)
    run_beat_task(env)
    assert eventually(lambda: status_of(page, url) == 200)
    assert eventually(lambda: ALERT_TITLE in alert_titles(page, alerts))
    shot(page, "33_live")

    wait_until(expiry)
    run_beat_task(env)
    assert eventually(lambda: status_of(page, url) == 404)
    assert eventually(lambda: ALERT_TITLE not in alert_titles(page, alerts))


# Journey 2: a demo guide that has no English version yet; no other browser test uses it.
SOURCE_TITLE = "游戏交易和网贷防骗：写给中学生和大学生"
ENGLISH = {  # what a translator writes for each of its segments, by the source's start
    "游戏交易和网贷防骗": "Game trading and student loan scams: for school and university students",
    "低价皮肤": "Cheap skins, high offers for your account, 'free gear', 'loans just for "
    "students': all of them can be traps.",
    "游戏里的“好事”": "In games, a deal that looks too good is usually a trap",
    "“全皮肤账号只要88”": "'Every skin for only 88 yuan', 'I'll buy your account for a high "
    "price, deposit first', 'join the group for a free limited skin': you have seen these. "
    "Scammers know what students want and write their scripts for it.",
    "常见套路是": "The usual trick: they move you from the game to a private chat and send "
    "a link to a 'trading platform' that looks exactly like the real one. After you pay, "
    "it says your account is frozen or your details are wrong, and asks for an unfreezing "
    "fee or a deposit, again and again.",
    "游戏交易，出现这些就停手": "In a game trade, stop when you see these",
    "“学生贷”“秒到账”": "Stay away from 'student loans' paid out 'in seconds'",
    "有的同学急着用钱": "Some students who need money fast apply when they see 'no "
    "collateral, no credit check, for students only, paid in seconds'. The money never "
    "comes, but a 'processing fee' or 'proof of funds' is taken first. A real lender "
    "charges nothing before paying out. If you are in real difficulty, talk to your "
    "school's financial aid office, your counsellor or your family.",
    "自我保护清单": "How to protect yourself",
    "对方说我的账号被冻结了": "They said my account was frozen and I had to pay a deposit. I "
    "paid three times from my mum's phone, 3,200 yuan in all, before I realised.",
    "小林": "Xiao Lin, 15, a middle school student",
    "被骗了别害怕": "If you have been scammed, don't be afraid: tell your parents at once "
    "and call 110 or the anti-fraud hotline 96110.",
    "价格低得离谱": "The price is absurdly low, or the offer for your account absurdly high",
    "要求离开官方平台": "They want to leave the official platform for a private chat or an "
    "unknown website",
    "提现、解冻、认证": "You must pay before you can withdraw, unfreeze or verify",
    "让你拿家长手机": "They ask you to scan a code, use face ID or enter a password on your "
    "parent's phone",
    "游戏交易只走": "Trade game items only on the game's official or authorised platform",
    "不点私聊里": "Don't open links or QR codes sent in private chats",
    "不用家长手机": "Don't use your parents' phones or bank cards to pay for games",
    "贷款只找": "Borrow only from licensed banks and lenders",
    "放款前要交钱": "A loan that asks for money before paying out is always a scam",
    "拿不准的事": "When unsure, tell your parents or a teacher first",
    "guide-students-games-and-loans": "game-trading-and-student-loan-scams",
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def english_for(source: str) -> str:
    for start, english in ENGLISH.items():
        if source.startswith(start):
            return english
    raise AssertionError(f"a segment this journey has no English for: {source!r}")


def translate_every_segment(page):
    """In wagtail-localize's editor, translate each segment of each tab (content, then
    promote: the slug) and save it."""
    pending = page.locator("li.incomplete:visible")
    for tab in ("内容", "推广"):
        page.get_by_role("tab", name=tab).click()
        translated = 0
        while pending.count():
            segment = pending.first
            source = segment.locator("p").first.inner_text()
            remaining = pending.count()
            if not segment.locator("textarea").count():  # the first one opens by itself
                segment.get_by_role("button", name="翻译").click()
            segment.locator("textarea").fill(english_for(source))
            segment.get_by_role("button", name="保存").click()
            expect(pending).to_have_count(remaining - 1)
            translated += 1
        # Each saved segment gets its 编辑 button once the server has stored it.
        expect(page.get_by_role("button", name="编辑")).to_have_count(translated)


def translation_state(page, site, title) -> str:
    """The English state of TITLE in the Translations report, found through the Reports
    menu as a translator would."""
    page.goto(site + "/admin/")
    page.get_by_role("button", name="报告").click()
    page.get_by_role("link", name=re.compile("翻译状态|Translation")).first.click()
    page.wait_for_load_state()
    row = page.locator("tr", has=page.get_by_role("link", name=title)).first
    return row.inner_text()


def test_translator_publishes_english_and_sees_it_go_out_of_date(desktop, demo_site):
    page = desktop
    page.goto(demo_site + "/zh-hans/search/?q=游戏交易")
    page.get_by_role("link", name=SOURCE_TITLE).first.click()
    chinese_path = page.evaluate("location.pathname")

    # The reviewer (Moderators) translates: they can publish the English page too.
    sign_in(page, demo_site, "reviewer", "fangzha-reviewer")
    assert "缺少英文版" in translation_state(page, demo_site, SOURCE_TITLE)
    page.goto(demo_site + "/admin/pages/search/?q=游戏交易")
    page.get_by_role("link", name=SOURCE_TITLE).first.click()
    page.wait_for_url(EDIT_URL)
    source_edit = re.search(r"/admin/pages/\d+/edit/", page.url).group(0)
    page.get_by_role("button", name="操作").click()
    page.get_by_role("link", name="翻译此页").click()
    page.get_by_label("English").check()
    shot(page, "20_submit_translation")
    page.locator("main form [type=submit]").click()
    page.wait_for_url(EDIT_URL)
    assert page.url != demo_site + source_edit  # the English page's translation editor

    # Source beside translation, segment by segment; then publish in English.
    translate_every_segment(page)
    shot(page, "21_translated")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^发布到")).click()
    shot(page, "22_published_english")

    # Readers: the language switch leads between the two versions of the guide.
    page.context.clear_cookies()
    page.goto(demo_site + chinese_path)
    page.locator(".lang-switch").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r".*/en/.*"))
    english_path = page.evaluate("location.pathname")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == ENGLISH["游戏交易和网贷防骗"]
    shot(page, "23_english_page")
    page.locator(".lang-switch").get_by_role("link", name="简体中文").click()
    page.wait_for_url(demo_site + chinese_path)
    assert page.locator("h1").inner_text() == SOURCE_TITLE

    # The English report state is up to date, until the Chinese source is republished.
    sign_in(page, demo_site, "reviewer", "fangzha-reviewer")
    assert "最新" in translation_state(page, demo_site, SOURCE_TITLE)
    open_editor(page, demo_site, source_edit)
    page.fill(
        "textarea[name=summary]",
        "低价皮肤、高价收号、“免费领装备”、“学生专享贷款”，还有“代练返现”，都可能是陷阱。",
    )
    more_actions(page)
    page.get_by_role("button", name=re.compile("^发布$")).click()
    page.wait_for_url(EXPLORER)
    state = translation_state(page, demo_site, SOURCE_TITLE)
    shot(page, "24_report_out_of_date")
    assert "已过期" in state, state

    # No English page shows Chinese text in its content.
    page.context.clear_cookies()
    page.goto(demo_site + english_path)
    prose = page.locator("main").locator("h1, h2, h3, p, blockquote").all_inner_texts()
    assert not HAN.findall(" ".join(prose)), prose
    items = page.locator("main li").all_inner_texts()
    assert not HAN.findall(" ".join(items)), items
