"""朗读 in 关怀模式 (issue 16): the page's main text read by the browser's own speech
synthesis, in a Chinese voice on a Chinese page, with pause and stop; the buttons exist
only where the browser can speak, and nothing breaks without JavaScript.

Headless Chromium has no voices, so a stand-in ``speechSynthesis`` records what the page
asks it to say (installed before the page's own script runs).
"""

import pytest

pytestmark = pytest.mark.browser

GUIDE = "/zh-hans/materials/guide-elders-police-calls/"
PHONE = {"width": 360, "height": 640}

RECORDING_SYNTH = """(() => {
  const calls = [];
  window.spoken = calls;
  class Utterance { constructor(text) { this.text = text; this.lang = ''; this.voice = null; } }
  const voices = [{name: 'Samantha', lang: 'en-US'}, {name: 'Tingting', lang: 'zh-CN'}];
  const synth = {
    speak(u) { calls.push({say: u.text, lang: u.lang, voice: u.voice && u.voice.lang}); },
    pause() { calls.push({call: 'pause'}); },
    resume() { calls.push({call: 'resume'}); },
    cancel() { calls.push({call: 'cancel'}); },
    getVoices() { return voices; },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = Utterance;
})();"""

NO_SYNTH = """(() => {
  Object.defineProperty(window, 'speechSynthesis', {value: undefined, configurable: true});
})();"""


def elder_page(browser, demo_site, path, *, init_script=None, **options):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", **options
    )
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{demo_site}/care-mode/on/?next={path}")
    assert "care-mode" in page.locator("html").get_attribute("class")
    return context, page


def test_read_aloud_reads_the_main_text_in_a_chinese_voice_with_pause_and_stop(browser, demo_site):
    context, page = elder_page(browser, demo_site, GUIDE, init_script=RECORDING_SYNTH)
    read = page.get_by_role("button", name="朗读")
    assert read.is_visible()
    assert read.bounding_box()["height"] >= 48
    read.tap()

    said = [c for c in page.evaluate("window.spoken") if "say" in c]
    text = "".join(c["say"] for c in said)
    assert page.locator("main h1").inner_text().replace("\n", "") in text.replace(" ", "")
    assert "真警察不会这样做" in text  # the summary, read after the title
    assert "菜单" not in text and "被骗了" not in text  # not the header
    # The hotline as often as the guide itself gives it: the bottom bar is not read.
    assert text.count("96110") == page.locator("main").inner_text().count("96110") >= 1
    assert "对您有帮助吗" not in text  # nor the feedback form
    assert {c["lang"] for c in said} == {"zh-CN"}
    assert {c["voice"] for c in said} == {"zh-CN"}

    page.get_by_role("button", name="暂停").tap()
    assert page.get_by_role("button", name="继续").is_visible()
    page.get_by_role("button", name="继续").tap()
    page.get_by_role("button", name="停止").tap()
    calls = [c["call"] for c in page.evaluate("window.spoken") if "call" in c]
    assert calls[-3:] == ["pause", "resume", "cancel"]
    assert read.is_visible() and not page.get_by_role("button", name="暂停").is_visible()
    context.close()


def test_no_read_aloud_button_where_the_browser_cannot_speak(browser, demo_site):
    context, page = elder_page(browser, demo_site, GUIDE, init_script=NO_SYNTH)
    assert page.get_by_role("button", name="朗读").count() == 0
    assert page.locator("main h1").is_visible()
    context.close()


def test_elder_pages_work_without_javascript(browser, demo_site):
    context, page = elder_page(browser, demo_site, GUIDE, java_script_enabled=False)
    assert page.get_by_role("button", name="朗读").count() == 0  # hidden, not broken
    assert page.locator("main h1").is_visible()
    page.get_by_role("searchbox").fill("养老")
    page.get_by_role("button", name="搜索").tap()
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".result-title a").count() >= 1
    context.close()


def test_standard_text_loads_no_script(browser, demo_site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(demo_site + GUIDE)
    assert page.locator("script[src]").count() == 0
    assert page.locator("[data-read-aloud]").count() == 0
    context.close()
