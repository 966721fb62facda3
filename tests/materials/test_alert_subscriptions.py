"""Alerts by e-mail (issue 16): double opt-in, one-click unsubscribe, deleting one's
address, audiences, and a published alert sent once, in batches."""

import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from materials import subscriptions
from materials.models import AlertDelivery, AlertSubscriber
from materials.tasks import send_alert_to_subscribers
from tests import factories

SUBSCRIBE = "/zh-hans/subscribe/"
LINK = re.compile(r"http://testserver(/[^\s\"<>]+)")


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def subscribe(client, email, audience="", address="198.51.100.7", url=SUBSCRIBE):
    return client.post(url, {"email": email, "audience": audience}, REMOTE_ADDR=address)


def confirm_by_mail(client, email, audience="", url=SUBSCRIBE):
    """Subscribe and confirm through the link in the confirmation e-mail."""
    mail.outbox.clear()
    subscribe(client, email, audience, url=url)
    (message,) = mail.outbox
    (link,) = [link for link in links_in(message) if "/confirm/" in link]
    response = client.post(link)
    assert response.status_code == 200
    mail.outbox.clear()
    return AlertSubscriber.objects.get(email=email)


def active(email, audience="", language="zh-hans") -> AlertSubscriber:
    return AlertSubscriber.objects.create(
        email=email, audience=audience, language=language, confirmed_at=timezone.now()
    )


def publish_first_time(alert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert.save_revision().publish()


@pytest.fixture
def alert_draft(site_tree):
    alert = factories.AlertPageFactory(
        parent=site_tree["alerts"],
        title="冒充医保局来电：医保卡不会被冻结",
        summary="近期多名老人接到自称医保局的电话，称医保卡将被冻结。",
        live=False,
        first_published_at=None,
    )
    alert.audiences.add(site_tree["elders"])
    alert.save()
    return alert


# --- double opt-in -------------------------------------------------------------------------


def test_subscribing_sends_only_a_confirmation_until_the_reader_confirms(
    client, site_tree, alert_draft, django_capture_on_commit_callbacks
):
    response = subscribe(client, "wang.ayi@example.cn", "elders")
    assert response.status_code == 200
    assert "请查收确认邮件" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["wang.ayi@example.cn"]
    assert "确认" in message.subject
    subscriber = AlertSubscriber.objects.get()
    assert not subscriber.is_active

    mail.outbox.clear()
    publish_first_time(alert_draft, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # nothing is sent before confirmation


def test_confirmation_link_asks_first_and_confirms_on_the_button(client, site_tree):
    subscribe(client, "li.xuesheng@example.edu.cn", "students")
    (link,) = [link for link in links_in(mail.outbox[0]) if "/confirm/" in link]

    page = client.get(link)  # a mail scanner fetching the link confirms nothing
    assert page.status_code == 200
    assert "确认订阅" in page.content.decode()
    assert not AlertSubscriber.objects.get().is_active

    done = client.post(link)
    assert done.status_code == 200
    assert "订阅已确认" in done.content.decode()
    subscriber = AlertSubscriber.objects.get()
    assert subscriber.is_active and subscriber.audience == "students"
    assert subscriber.language == "zh-hans"


def test_expired_confirmation_link_is_refused(client, site_tree, monkeypatch):
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 4 * 24 * 3600)
    subscribe(client, "zhang@example.cn")
    monkeypatch.setattr(time, "time", real_time)
    (link,) = [link for link in links_in(mail.outbox[0]) if "/confirm/" in link]

    response = client.post(link)
    assert response.status_code == 400
    assert "链接已失效" in response.content.decode()
    assert not AlertSubscriber.objects.get().is_active


def test_forged_or_misused_tokens_are_refused(client, site_tree):
    subscriber = active("chen@example.cn")
    unsubscribe = subscriptions.unsubscribe_url(subscriber)
    token = unsubscribe.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for url in [
        f"/zh-hans/subscribe/confirm/{token}/",  # an unsubscribe token does not confirm
        f"/zh-hans/subscribe/unsubscribe/{forged}/",
        "/zh-hans/subscribe/confirm/not-a-token/",
    ]:
        response = client.post(url, {"action": "delete"})
        assert response.status_code == 400, url
    assert AlertSubscriber.objects.get().is_active


def test_token_of_a_deleted_address_does_not_act_on_a_new_row_with_its_id(client, site_tree):
    old = active("old@example.cn")
    url = subscriptions.unsubscribe_url(old)
    old_id = old.pk
    old.delete()
    AlertSubscriber.objects.create(
        pk=old_id, email="new@example.cn", language="zh-hans", confirmed_at=timezone.now()
    )
    assert client.post(url, {"action": "delete"}).status_code == 400
    assert AlertSubscriber.objects.get(pk=old_id).is_active


# --- unsubscribe and delete -------------------------------------------------------------


def test_one_click_unsubscribe_post_from_the_mail_client(client, site_tree):
    subscriber = active("zhao@example.cn", "elders")
    response = client.post(
        subscriptions.unsubscribe_url(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert not subscriber.is_active and subscriber.unsubscribed_at


def test_unsubscribe_link_shows_a_page_and_the_button_unsubscribes(client, site_tree):
    subscriber = active("sun@example.cn")
    url = subscriptions.unsubscribe_url(subscriber)
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "退订" in body and "删除我的邮箱地址" in body
    subscriber.refresh_from_db()
    assert subscriber.is_active  # a GET (a link preview, a scanner) changes nothing

    done = client.post(url, {"action": "unsubscribe"})
    assert "已退订" in done.content.decode()
    subscriber.refresh_from_db()
    assert not subscriber.is_active


def test_reader_can_delete_their_address(client, site_tree, alert_draft):
    subscriber = active("qian@example.cn")
    AlertDelivery.objects.create(
        alert=alert_draft, subscriber=subscriber, run="00000000-0000-0000-0000-000000000001"
    )
    response = client.post(subscriptions.unsubscribe_url(subscriber), {"action": "delete"})
    assert response.status_code == 200
    assert "已删除" in response.content.decode()
    assert not AlertSubscriber.objects.filter(email="qian@example.cn").exists()
    assert not AlertDelivery.objects.exists()


# --- the form: rate limit, no disclosure, languages ------------------------------------------


def test_form_does_not_reveal_whether_an_address_is_subscribed(client, site_tree):
    active("known@example.cn", "elders")
    known = subscribe(client, "known@example.cn", "elders", address="198.51.100.1")
    new = subscribe(client, "unknown@example.cn", "elders", address="198.51.100.2")
    assert known.status_code == new.status_code == 200
    assert known.content.decode().replace("known@", "X@") == new.content.decode().replace(
        "unknown@", "X@"
    )
    # Only the owner of the mailbox learns, from the mail, that the address was already in.
    assert {tuple(m.to) for m in mail.outbox} == {("known@example.cn",), ("unknown@example.cn",)}


def test_a_second_request_for_an_active_address_does_not_change_it_until_confirmed(
    client, site_tree
):
    active("zhou@example.cn", "elders")
    subscribe(client, "zhou@example.cn", "students")
    subscriber = AlertSubscriber.objects.get()
    assert subscriber.is_active and subscriber.audience == "elders"
    (link,) = [link for link in links_in(mail.outbox[0]) if "/confirm/" in link]
    client.post(link)
    subscriber.refresh_from_db()
    assert subscriber.is_active and subscriber.audience == "students"


def test_subscribe_form_is_rate_limited_per_client(client, site_tree):
    for n in range(subscriptions.SUBSCRIBE_LIMIT):
        assert subscribe(client, f"user{n}@example.cn").status_code == 200
    blocked = subscribe(client, "one-more@example.cn")
    assert blocked.status_code == 429
    assert "请求过多" in blocked.content.decode()
    assert not AlertSubscriber.objects.filter(email="one-more@example.cn").exists()
    assert subscribe(client, "other@example.cn", address="203.0.113.50").status_code == 200


def test_repeated_requests_for_one_address_send_one_confirmation(client, site_tree):
    for address in ("198.51.100.10", "198.51.100.11", "198.51.100.12"):
        subscribe(client, "victim@example.cn", address=address)
    assert len(mail.outbox) == 1


def test_invalid_address_is_refused_with_a_message(client, site_tree):
    response = subscribe(client, "not-an-address")
    assert response.status_code == 400
    assert "有效的电子邮件地址" in response.content.decode()
    assert not AlertSubscriber.objects.exists() and not mail.outbox


def test_subscribe_page_offers_audiences_and_states_the_purpose(client, site_tree):
    body = client.get(SUBSCRIBE).content.decode()
    for text in ("订阅预警邮件", "老年人", "学生", "所有人", "只用于发送防骗预警"):
        assert text in body


def test_english_subscribe_page_is_in_english(client, site_tree, english_tree):
    body = client.get("/en/subscribe/").content.decode()
    assert "Subscribe to alerts by e-mail" in body
    assert "订阅预警邮件" not in body
    subscriber = confirm_by_mail(client, "reader@example.org", url="/en/subscribe/")
    assert subscriber.language == "en"


def test_alert_list_and_alert_pages_offer_the_subscription(client, site_tree, alert_draft):
    alert_draft.save_revision().publish()
    for url in (site_tree["alerts"].url, alert_draft.url):
        body = client.get(url).content.decode()
        assert "订阅预警邮件" in body and 'action="/zh-hans/subscribe/"' in body, url


# --- sending ------------------------------------------------------------------------------


def test_published_alert_goes_to_its_audiences_and_everyone_lists(
    client, site_tree, alert_draft, django_capture_on_commit_callbacks
):
    active("elder@example.cn", "elders")
    active("all@example.cn", "")
    active("student@example.cn", "students")
    active("english@example.org", "", language="en")
    AlertSubscriber.objects.create(email="pending@example.cn", language="zh-hans")
    gone = active("gone@example.cn", "")
    gone.unsubscribed_at = timezone.now()
    gone.save()

    publish_first_time(alert_draft, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.cn", "elder@example.cn"]


def test_alert_without_audience_goes_to_every_subscriber_of_its_language(
    site_tree, django_capture_on_commit_callbacks
):
    active("elder@example.cn", "elders")
    active("student@example.cn", "students")
    alert = factories.AlertPageFactory(parent=site_tree["alerts"], live=False)
    publish_first_time(alert, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_alert_is_sent_once_whatever_runs_twice_or_is_republished(
    site_tree, alert_draft, django_capture_on_commit_callbacks
):
    active("elder@example.cn", "elders")
    publish_first_time(alert_draft, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1

    send_alert_to_subscribers.delay(alert_draft.pk)  # a retry, or a doubled message
    send_alert_to_subscribers(alert_draft.pk)
    alert_draft.refresh_from_db()
    alert_draft.summary = "更新：又有新的受害者。"
    with django_capture_on_commit_callbacks(execute=True):
        alert_draft.save_revision().publish()  # an editor's correction
    active("late@example.cn", "elders")  # subscribed after the alert went out
    send_alert_to_subscribers(alert_draft.pk)
    assert len(mail.outbox) == 1
    assert AlertDelivery.objects.filter(sent_at__isnull=False).count() == 1


def test_failed_batch_is_released_for_the_retry(site_tree, alert_draft, monkeypatch):
    active("elder@example.cn", "elders")
    alert_draft.save_revision().publish()

    def broken(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(ConnectionRefusedError):
        subscriptions.send_alert(alert_id=alert_draft.pk)
    assert not AlertDelivery.objects.exists()
    monkeypatch.undo()
    assert subscriptions.send_alert(alert_id=alert_draft.pk) == 1
    assert len(mail.outbox) == 1


def test_alert_is_sent_in_batches(site_tree, alert_draft, monkeypatch):
    AlertSubscriber.objects.bulk_create(
        AlertSubscriber(
            email=f"reader{n}@example.cn", language="zh-hans", confirmed_at=timezone.now()
        )
        for n in range(250)
    )
    alert_draft.save_revision().publish()
    batches = []
    original = EmailBackend.send_messages

    def counting(self, messages):
        batches.append(len(messages))
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", counting)
    assert subscriptions.send_alert(alert_id=alert_draft.pk, batch_size=100) == 250
    assert batches == [100, 100, 50]
    assert len({m.to[0] for m in mail.outbox}) == 250


def test_alert_mail_has_title_summary_link_and_unsubscribe_headers(
    site_tree, alert_draft, django_capture_on_commit_callbacks
):
    subscriber = active("elder@example.cn", "elders")
    publish_first_time(alert_draft, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == "冒充医保局来电：医保卡不会被冻结"
    assert alert_draft.summary in message.body
    assert alert_draft.full_url in message.body
    unsubscribe = "http://testserver" + subscriptions.unsubscribe_url(subscriber)
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert alert_draft.summary in html and "退订" in html


def test_draft_or_private_alert_is_not_sent(site_tree, alert_draft):
    active("elder@example.cn", "elders")
    assert subscriptions.send_alert(alert_id=alert_draft.pk) == 0  # never published
    assert subscriptions.send_alert(alert_id=999999) == 0
    assert mail.outbox == []


def test_stale_requests_and_unsubscribed_addresses_are_purged(site_tree):
    old = timezone.now() - subscriptions.CONFIRM_MAX_AGE * 2
    pending = AlertSubscriber.objects.create(email="pending@example.cn", language="zh-hans")
    left = active("left@example.cn")
    AlertSubscriber.objects.filter(pk=pending.pk).update(created_at=old)
    AlertSubscriber.objects.filter(pk=left.pk).update(unsubscribed_at=old)
    active("stays@example.cn")
    AlertSubscriber.objects.create(email="fresh@example.cn", language="zh-hans")
    assert subscriptions.purge_stale_subscribers() == 2
    assert set(AlertSubscriber.objects.values_list("email", flat=True)) == {
        "stays@example.cn",
        "fresh@example.cn",
    }


# --- admin ----------------------------------------------------------------------------------


def test_editors_see_counts_by_audience_but_no_address(client, site_tree, editor):
    active("elder1@example.cn", "elders")
    active("elder2@example.cn", "elders")
    active("all@example.cn", "")
    AlertSubscriber.objects.create(email="pending@example.cn", language="zh-hans")
    client.force_login(editor)
    report = client.get("/admin/reports/alert-subscribers/")
    assert report.status_code == 200
    body = report.content.decode()
    assert "预警邮件订阅" in body and "老年人" in body and "所有人" in body
    assert "@example.cn" not in body
    assert report.context["rows"][0]["active"] == 2
    assert client.get("/admin/snippets/materials/alertsubscriber/").status_code in (302, 403)


def test_site_managers_see_the_addresses(client, site_tree, django_user_model):
    active("elder1@example.cn", "elders")
    manager = django_user_model.objects.create_user("manager", password="pw")
    manager.groups.add(Group.objects.get(name="站点管理员"))
    client.force_login(manager)
    listing = client.get("/admin/snippets/materials/alertsubscriber/")
    assert listing.status_code == 200
    assert "elder1@example.cn" in listing.content.decode()


# --- feeds ------------------------------------------------------------------------------------


def test_feeds_carry_author_and_language(client, site_tree, alert_draft):
    alert_draft.save_revision().publish()
    base = site_tree["alerts"].url
    rss = client.get(base + "feed/rss/").content.decode()
    assert "<language>zh-Hans</language>" in rss
    assert "<dc:creator" in rss and "防诈</dc:creator>" in rss
    atom = client.get(base + "feed/atom/").content.decode()
    assert 'xml:lang="zh-Hans"' in atom
    assert "<author><name>" in atom
