"""A reader on a phone subscribes to alerts by e-mail (issue 16): the form under the alert
list, the confirmation link from the mail, the button that confirms; then an alert is
published (once, and once more after an edit) and exactly one mail reaches them, whose
link unsubscribes and deletes the address.

The demo is served by a second server process on the same database that writes its mail
to a folder (Django's file backend), which the test reads as the reader's inbox.
"""

import email
import re
import subprocess
import sys
from email import policy

import pytest

from tests.browser.conftest import PHONE, ROOT, _runserver
from tests.browser.helpers import SHOTS
from tests.processes import free_port

pytestmark = pytest.mark.browser

ADDRESS = "wang.ayi.family@example.cn"
ALERT_TITLE = "紧急预警：冒充“社保局”来电称养老金停发"
PUBLISH = """
from materials.models import AlertIndexPage, AlertPage, Audience
index = AlertIndexPage.objects.get(locale__language_code="zh-hans")
alert = AlertPage.objects.filter(title={title!r}).first()
if alert is None:
    alert = AlertPage(
        title={title!r}, live=False,
        summary="有人冒充社保局工作人员，称养老金将停发，要求老人提供银行卡和验证码。",
        body="<p>社保局不会电话要求提供验证码，请挂断后拨打96110核实。</p>",
    )
    alert.audiences = [Audience.objects.get(slug="elders", locale=index.locale)]
    index.add_child(instance=alert)
else:
    alert.summary += "（已更新）"
alert.save_revision().publish()
"""


@pytest.fixture(scope="module")
def mail_site(demo_server, tmp_path_factory):
    """The demo, served by a process that writes every mail into a folder; yields
    (url, env, folder)."""
    _url, env = demo_server
    folder = tmp_path_factory.mktemp("mail")
    env = {
        **env,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder),
    }
    with _runserver(env, free_port()) as url:
        yield url, env, folder


@pytest.fixture
def phone_page(browser, mail_site):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def inbox(folder, address) -> list:
    """Every mail the server wrote to ADDRESS, oldest first (the file backend writes one
    file per connection, messages separated by a line of 79 dashes)."""
    messages = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip(), policy=policy.default)
                if message["To"] == address:
                    messages.append(message)
    return messages


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def publish_alert(env):
    """An editor's publish, as Wagtail does it (the signal, the on-commit task), run in
    the demo's environment: tasks run inline there, as in `make demo`."""
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", PUBLISH.format(title=ALERT_TITLE)],
        env=env,
        cwd=ROOT,
        check=True,
    )


def test_reader_subscribes_confirms_gets_one_alert_and_unsubscribes(phone_page, mail_site):
    site, env, folder = mail_site
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = phone_page

    page.goto(site + "/zh-hans/alerts/")
    box = page.locator(".subscribe-box")
    box.scroll_into_view_if_needed()
    box.get_by_label("您的电子邮件地址").fill(ADDRESS)
    box.get_by_label("老年人").check()
    assert "只用于发送防骗预警" in box.inner_text()
    page.screenshot(path=str(SHOTS / "subscribe-1-form.png"))
    box.get_by_role("button", name="订阅").tap()
    page.get_by_role("heading", name="请查收确认邮件").wait_for()
    page.screenshot(path=str(SHOTS / "subscribe-2-check-inbox.png"))

    (confirmation,) = inbox(folder, ADDRESS)
    assert confirmation["Subject"] == "请确认订阅防骗预警邮件"
    (link,) = re.findall(r"https?://\S+/subscribe/confirm/\S+/", text_of(confirmation))
    page.goto(link)
    page.screenshot(path=str(SHOTS / "subscribe-3-confirm.png"))
    page.get_by_role("button", name="确认订阅").tap()
    page.get_by_role("heading", name="订阅已确认").wait_for()
    assert "老年人" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "subscribe-4-confirmed.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    publish_alert(env)  # first publish: sent
    publish_alert(env)  # an edit published again: nothing more
    received = inbox(folder, ADDRESS)
    alerts = [m for m in received if str(m["Subject"]).strip() == ALERT_TITLE]
    assert len(alerts) == 1, [m["Subject"] for m in received]
    (alert,) = alerts
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(alert["List-Unsubscribe"]).strip().strip("<>")  # unfolded header
    assert unsubscribe in text_of(alert)

    page.goto(unsubscribe)
    page.get_by_role("button", name="退订").tap()
    page.get_by_text("您已退订").wait_for()
    page.screenshot(path=str(SHOTS / "subscribe-5-unsubscribed.png"))
    page.get_by_role("button", name="删除我的邮箱地址").tap()
    page.get_by_text("您的邮箱地址已删除").wait_for()
    page.screenshot(path=str(SHOTS / "subscribe-6-deleted.png"))
    page.goto(unsubscribe)  # the row is gone: the link no longer names anyone
    page.get_by_role("heading", name="链接已失效或无效").wait_for()
