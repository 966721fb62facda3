"""A coordinator puts a playlist on a bank lobby's screen (issue 17): registers the
screen in the admin, the screen's browser (no session) opens the player link on a
1920×1080 and a 1080×1920 screen and plays a video (muted, captions on) and a poster in
a loop; the network drops and it keeps playing from its copy; back online it delivers
its plays once; the dashboard shows the plays and screen minutes of that venue; the
coordinator revokes the screen, and the player stops and its reports are refused.

Runs against the demo (tests/browser/conftest.py) with a short playlist the editors
would make (the demo's video for 4 seconds, a poster for 3).
"""

import json
import re
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import ROOT
from tests.browser.helpers import SHOTS, sign_in

pytestmark = pytest.mark.browser

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
PLAYLIST = "浏览器测试 大厅轮播"
SCREEN = "大厅入口屏（测试）"

SEED = f"""
import json
from campaigns.models import Venue
from materials.models import Playlist, PlaylistItem, PosterPage, VideoPage
video = VideoPage.objects.live().get(slug="video-three-nos", locale__language_code="zh-hans")
poster = PosterPage.objects.live().filter(locale__language_code="zh-hans").order_by("pk").first()
playlist = Playlist.objects.create(name="{PLAYLIST}")
PlaylistItem.objects.create(playlist=playlist, page=video, duration_seconds=4, sort_order=0)
PlaylistItem.objects.create(playlist=playlist, page=poster, duration_seconds=3, sort_order=1)
venue = Venue.objects.filter(venue_type="bank", district__name="江南区").order_by("pk").first()
print(json.dumps({{
    "venue": str(venue), "venue_name": venue.name, "poster": poster.title, "video": video.title
}}))
"""

FIGURES = f"""
import json
from django.db.models import Sum
from campaigns.models import Screen, ScreenPlayReceipt, ScreenPlays
screen = Screen.objects.get(name="{SCREEN}")
rows = ScreenPlays.objects.filter(screen=screen)
sums = rows.aggregate(plays=Sum("plays"), seconds=Sum("seconds"))
print(json.dumps({{**sums, "receipts": ScreenPlayReceipt.objects.filter(screen=screen).count()}}))
"""

FITS = """() => {
  const page = document.scrollingElement;
  const qr = document.querySelector('[data-qr] img').getBoundingClientRect();
  return {
    scrolls: page.scrollHeight > innerHeight || page.scrollWidth > innerWidth,
    qrInside: qr.width > 50 && qr.bottom <= innerHeight && qr.right <= innerWidth,
  };
}"""

QUEUE = """() => {
  const key = Object.keys(localStorage).find(k => k.endsWith(':plays'));
  return key ? JSON.parse(localStorage.getItem(key)) : [];
}"""


def manage_shell(env: dict, code: str) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def played(screen) -> int:
    return screen.evaluate("() => window.fangzhaPlayer.played")


def wait_for_plays(screen, count: int, timeout: float = 40) -> None:
    screen.wait_for_function(
        f"() => window.fangzhaPlayer && window.fangzhaPlayer.played >= {count}",
        timeout=timeout * 1000,
    )


def assert_fits(screen, where: str) -> None:
    fit = screen.evaluate(FITS)
    assert not fit["scrolls"], f"{where}: scrolls"
    assert fit["qrInside"], f"{where}: the QR code is cut off or missing"


def test_a_lobby_screen_plays_offline_and_counts_its_plays_once(browser, demo_server):
    demo_site, env = demo_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    seeded = manage_shell(env, SEED)
    admin = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    lobby = browser.new_context(viewport=LANDSCAPE, locale="zh-CN")  # no cookies
    try:
        page = admin.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, demo_site, "coord_jiangnan", "fangzha-coord")

        # The coordinator registers the screen at the bank and copies its player link.
        page.goto(demo_site + "/admin/campaigns/devices/new/")
        page.fill("input[name=name]", SCREEN)
        page.locator("select[name=team]").select_option(label="江南区反诈中心")
        page.locator("select[name=venue]").select_option(label=seeded["venue"])
        page.locator("select[name=campaign]").select_option(index=1)
        page.locator("select[name=playlist]").select_option(label=PLAYLIST)
        page.get_by_role("button", name=re.compile("^(创建|保存)$")).first.click()
        page.wait_for_url(demo_site + "/admin/campaigns/devices/")
        row = page.locator("tr", has_text=SCREEN)
        address = re.search(r"https?://\S+/player/[\w-]{40,}/", row.inner_text()).group(0)
        assert "离线" in row.inner_text()  # never heard from yet
        page.screenshot(path=str(SHOTS / "screens_list.png"), full_page=True)

        # The lobby's browser opens it: the video first, muted, its captions showing.
        screen = lobby.new_page()
        screen.set_default_timeout(30_000)
        problems = []
        screen.on("pageerror", lambda error: problems.append(str(error)))
        screen.on(
            "console",
            lambda m: (
                m.type == "error"
                and "Failed to load resource" not in m.text  # the 410s and the offline minute
                and "FetchEvent" not in m.text
                and problems.append(m.text)
            ),
        )
        assert screen.goto(address).status == 200
        screen.wait_for_selector("[data-stage][data-kind=video] video")
        video = screen.evaluate(
            """() => { const v = document.querySelector('[data-stage] video');
                 return {muted: v.muted,
                         tracks: [...v.textTracks].map(t => t.language + ':' + t.mode),
                         src: v.src.slice(0, 5)}; }"""
        )
        # The Chinese captions, shown.
        assert video == {"muted": True, "tracks": ["zh-Hans:showing"], "src": "blob:"}
        screen.wait_for_function(
            "() => { const v = document.querySelector('[data-stage] video');"
            " return v && v.currentTime > 1; }"
        )
        assert screen.locator("[data-title]").inner_text() == seeded["video"]
        assert "96110" in screen.locator("[data-hotline]").inner_text()
        assert_fits(screen, "landscape, video")
        screen.screenshot(path=str(SHOTS / "player_landscape_video.png"))

        # Then the poster, with its QR code: the screen's own tracked link.
        screen.wait_for_selector("[data-stage][data-kind=poster] img")
        assert screen.locator("[data-title]").inner_text() == seeded["poster"]
        assert re.search(r"/r/\w+/$", screen.locator("[data-qr]").get_attribute("data-url"))
        assert_fits(screen, "landscape, poster")
        screen.screenshot(path=str(SHOTS / "player_landscape_poster.png"))

        # The same player on a portrait screen.
        screen.set_viewport_size(PORTRAIT)
        screen.wait_for_selector("[data-stage][data-kind=video] video")
        assert_fits(screen, "portrait, video")
        screen.screenshot(path=str(SHOTS / "player_portrait_video.png"))
        screen.wait_for_selector("[data-stage][data-kind=poster] img")
        assert_fits(screen, "portrait, poster")
        screen.screenshot(path=str(SHOTS / "player_portrait_poster.png"))
        screen.set_viewport_size(LANDSCAPE)

        # The service worker holds the page, the manifest and every item's media.
        screen.wait_for_function("() => navigator.serviceWorker.controller !== null")
        screen.wait_for_function(
            r"""async () => { const c = await caches.open('fangzha-player-v1');
                 const paths = (await c.keys()).map(r => new URL(r.url).pathname);
                 return paths.some(p => p.endsWith('.mp4')) && paths.some(p => p.endsWith('.css'))
                   && paths.some(p => /^\/player\/[\w-]+\/$/.test(p)); }"""
        )
        cached = screen.evaluate(
            """async () => { const c = await caches.open('fangzha-player-v1');
                 return (await c.keys()).map(r => new URL(r.url).pathname); }"""
        )
        assert any(path.endswith("/manifest.json") for path in cached), cached
        assert any(path.endswith(".mp4") for path in cached), cached
        assert any("/images/" in path for path in cached), cached

        # The network drops: it keeps playing, and keeps its plays.
        lobby.set_offline(True)
        before = played(screen)
        wait_for_plays(screen, before + 3)
        assert screen.locator("[data-status]").inner_text() == "网络已断开：正在播放本地副本"
        assert screen.locator("[data-stage] video, [data-stage] img").count() == 1
        screen.screenshot(path=str(SHOTS / "player_offline.png"))
        kept = screen.evaluate(QUEUE)
        assert len(kept) >= 3

        # A restart while offline plays from the copy too.
        screen.reload()
        screen.wait_for_selector("[data-stage] video, [data-stage] img")
        offline_plays = played(screen)
        wait_for_plays(screen, offline_plays + 1)
        kept = screen.evaluate(QUEUE)

        # Back online: the plays are delivered, each once.
        lobby.set_offline(False)
        screen.wait_for_function(
            """() => { const key = Object.keys(localStorage).find(k => k.endsWith(':plays'));
                 return JSON.parse(localStorage.getItem(key) || '[]').length === 0; }""",
            timeout=90_000,
        )
        figures = manage_shell(env, FIGURES)
        assert figures["plays"] == figures["receipts"] >= len(kept) + 1
        # A retry of a report already delivered (its answer lost) stores nothing.
        report_url = address + "plays/"
        again = screen.request.post(report_url, data={"plays": kept})
        assert again.status == 200
        assert again.json() == {"stored": 0, "known": len(kept), "skipped": 0}
        assert manage_shell(env, FIGURES) == figures

        # The dashboard shows the venue's plays and screen minutes.
        sign_in(page, demo_site, "coord_jiangnan", "fangzha-coord")
        page.goto(demo_site + "/admin/campaigns/reach/")
        venue_row = page.locator("[data-screens] [data-screen-row]", has_text=seeded["venue_name"])
        assert venue_row.locator("[data-plays]").inner_text() == str(figures["plays"])
        minutes = round(figures["seconds"] / 60, 1)
        assert venue_row.locator("[data-minutes]").inner_text() == str(minutes)
        page.locator("[data-screens]").screenshot(path=str(SHOTS / "dashboard_screens.png"))
        page.goto(demo_site + "/admin/campaigns/devices/")
        assert "在线" in page.locator("tr", has_text=SCREEN).inner_text()

        # The coordinator revokes the screen: the player stops at its next report.
        revoke = page.locator("tr", has_text=SCREEN).locator("a[href*='/revoke/']")
        page.goto(demo_site + revoke.first.get_attribute("href"))
        page.get_by_role("button", name="撤销").click()
        page.wait_for_url(demo_site + "/admin/campaigns/devices/")
        screen.wait_for_selector("[data-player][data-state=revoked]", timeout=100_000)
        assert "此屏幕的播放链接已撤销" in screen.inner_text("body")
        assert screen.locator("[data-stage] video, [data-stage] img").count() == 0
        assert not screen.locator("[data-side]").is_visible()  # no QR code, no title
        assert screen.evaluate(FITS.replace("qr.width > 50 &&", "true ||"))["scrolls"] is False
        screen.screenshot(path=str(SHOTS / "player_revoked.png"))
        after = manage_shell(env, FIGURES)
        refused = screen.request.post(report_url, data={"plays": kept})
        assert refused.status == 410
        time.sleep(1)
        assert manage_shell(env, FIGURES) == after
        assert screen.reload().status == 410
        assert "此屏幕的播放链接已撤销" in screen.inner_text("body")
        assert not problems, problems
    finally:
        admin.close()
        lobby.close()
