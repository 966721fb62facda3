"""Alerts by e-mail: subscribing (double opt-in), confirming, unsubscribing, deleting an
address, and sending a newly published alert to its subscribers once, in batches.

Links in the mails carry signed tokens (django.core.signing) naming the subscriber's row
and a keyed digest of its address, so a token never acts on another address that later
got the same id. A confirmation token expires after CONFIRM_MAX_AGE and carries the
audience asked for; an unsubscribe token does not expire (it is in every alert mail).

Who gets an alert: the confirmed, not unsubscribed subscribers of the alert's language,
confirmed before it first went live, who chose one of its audiences or every alert. An
alert tagged with no audience is for everyone.

Sending once: before a batch is sent, one AlertDelivery row per recipient is claimed
(unique per alert and subscriber) under this run's id; a retry or a second run skips every
claimed row. If the mail server refuses the batch, the run's claims are released and the
error raised, so Celery's retry sends that batch later. A worker killed between claiming
and sending loses that batch: at most once, never twice.
"""

import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from core.pages import exclude_private

from .models import AlertDelivery, AlertPage, AlertSubscriber, Audience

CONFIRM_MAX_AGE = datetime.timedelta(days=3)
# Requests one client address may make in SUBSCRIBE_WINDOW seconds: a class subscribing
# together behind one school address, not a script.
SUBSCRIBE_LIMIT = 10
SUBSCRIBE_WINDOW = 60 * 60
# One confirmation mail per address in this many seconds, whoever asks for it: the form
# cannot be used to flood someone's mailbox.
CONFIRMATION_INTERVAL = 10 * 60
BATCH_SIZE = 100

_SALT = "materials.subscriptions"


class InvalidLink(Exception):
    """A token that is forged, expired, for another purpose, or whose address is gone."""


def _digest(email: str) -> str:
    return salted_hmac(_SALT, email.lower()).hexdigest()[:16]


def _token(subscriber: AlertSubscriber, purpose: str, **extra) -> str:
    payload = {"id": subscriber.pk, "h": _digest(subscriber.email), **extra}
    return signing.dumps(payload, salt=f"{_SALT}.{purpose}", compress=True)


def _read(token: str, purpose: str, max_age=None) -> tuple[AlertSubscriber, dict]:
    try:
        payload = signing.loads(token, salt=f"{_SALT}.{purpose}", max_age=max_age)
        subscriber = AlertSubscriber.objects.get(pk=int(payload["id"]))
    except (signing.BadSignature, AlertSubscriber.DoesNotExist, KeyError, TypeError, ValueError):
        raise InvalidLink from None
    if payload.get("h") != _digest(subscriber.email):
        raise InvalidLink
    return subscriber, payload


def _localised_path(language: str, name: str, token: str) -> str:
    with translation.override(language):
        return reverse(name, args=[token])


def confirm_url(subscriber: AlertSubscriber, audience: str) -> str:
    """The path of the confirmation link, in the subscriber's language."""
    return _localised_path(
        subscriber.language, "alert_subscribe_confirm", _token(subscriber, "confirm", a=audience)
    )


def unsubscribe_url(subscriber: AlertSubscriber) -> str:
    """The path of the unsubscribe page (and RFC 8058 one-click target)."""
    return _localised_path(subscriber.language, "alert_unsubscribe", _token(subscriber, "leave"))


def audience_label(slug: str, *, language: str) -> str:
    """The audience's name in a language ("everyone" for the empty slug)."""
    if slug:
        audience = (
            Audience.objects.filter(slug=slug, locale__language_code=language).first()
            or Audience.objects.filter(slug=slug).first()
        )
        if audience:
            return audience.name
    with translation.override(language):
        return gettext("Everyone (all alerts)")


# --- the reader's side --------------------------------------------------------------------


def request_subscription(*, email: str, audience: str, language: str, site_url: str) -> None:
    """Record the request and mail a confirmation link (at most one per address every
    CONFIRMATION_INTERVAL). Says nothing about whether the address was known: the caller
    shows the same page either way; only the mailbox's owner reads the difference.

    An active subscription stays as it is until the new link is confirmed."""
    email = email.strip()
    email = email.rsplit("@", 1)[0] + "@" + email.rsplit("@", 1)[1].lower()
    subscriber, created = AlertSubscriber.objects.get_or_create(
        email=email, defaults={"audience": audience, "language": language}
    )
    if not created and not subscriber.is_active:
        # A pending or unsubscribed row: this request replaces the older one.
        subscriber.audience, subscriber.language = audience, language
        subscriber.unsubscribed_at = subscriber.confirmed_at = None
        subscriber.save(update_fields=["audience", "language", "unsubscribed_at", "confirmed_at"])
        AlertSubscriber.objects.filter(pk=subscriber.pk).update(created_at=timezone.now())
    if not cache.add(f"subscribe-mail:{_digest(email)}", 1, timeout=CONFIRMATION_INTERVAL):
        return
    with translation.override(language):
        context = {
            "confirm_url": site_url + confirm_url(subscriber, audience),
            "audience": audience_label(audience, language=language),
            "already": subscriber.is_active,
            "days": CONFIRM_MAX_AGE.days,
        }
        message = EmailMultiAlternatives(
            subject=gettext("Please confirm your subscription to fraud alerts"),
            body=render_to_string("materials/email/confirm_subscription.txt", context),
            to=[email],
        )
    message.send()


def confirm_subscription_check(token: str) -> None:
    """Raise InvalidLink unless the confirmation token is good (for the page before the
    button)."""
    _read(token, "confirm", max_age=CONFIRM_MAX_AGE)


def confirm_subscription(token: str) -> AlertSubscriber:
    subscriber, payload = _read(token, "confirm", max_age=CONFIRM_MAX_AGE)
    subscriber.audience = str(payload.get("a") or "")
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["audience", "confirmed_at", "unsubscribed_at"])
    return subscriber


def subscriber_for_unsubscribe(token: str) -> AlertSubscriber:
    return _read(token, "leave")[0]


def unsubscribe(subscriber: AlertSubscriber) -> None:
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])


def delete_subscriber(subscriber: AlertSubscriber) -> None:
    """The reader's "delete my address": the row and its delivery records go."""
    subscriber.delete()


def purge_stale_subscribers() -> int:
    """Delete requests never confirmed and unsubscribed addresses, CONFIRM_MAX_AGE after
    they were made: the addresses are kept for sending alerts and nothing else."""
    cutoff = timezone.now() - CONFIRM_MAX_AGE
    stale = AlertSubscriber.objects.filter(
        Q(confirmed_at__isnull=True, created_at__lt=cutoff) | Q(unsubscribed_at__lt=cutoff)
    )
    return stale.delete()[1].get(AlertSubscriber._meta.label, 0)


# --- sending ------------------------------------------------------------------------------


def alert_recipients(alert: AlertPage):
    """The subscribers an alert goes to (see the module's docstring)."""
    audiences = list(alert.audiences.values_list("slug", flat=True))
    recipients = AlertSubscriber.objects.filter(
        confirmed_at__isnull=False,
        confirmed_at__lte=alert.first_published_at,
        unsubscribed_at__isnull=True,
        language=alert.locale.language_code,
    )
    if audiences:
        recipients = recipients.filter(Q(audience="") | Q(audience__in=audiences))
    return recipients.order_by("pk")


def alert_message(alert: AlertPage, subscriber: AlertSubscriber, *, site_url: str, connection):
    unsubscribe = site_url + unsubscribe_url(subscriber)
    with translation.override(subscriber.language):
        context = {
            "alert": alert,
            "alert_url": alert.get_full_url(),
            "unsubscribe_url": unsubscribe,
            "site_name": gettext("Fangzha"),
        }
        text = render_to_string("materials/email/alert.txt", context)
        html = render_to_string("materials/email/alert.html", context)
    message = EmailMultiAlternatives(
        subject=alert.title,
        body=text,
        to=[subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_alert(*, alert_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Mail a live, public alert to its recipients who have not had it; returns how many
    were sent in this run."""
    alert = (
        exclude_private(AlertPage.objects.live().filter(pk=alert_id))
        .select_related("locale")
        .first()
    )
    if alert is None or alert.first_published_at is None:
        return 0
    site = alert.get_site()
    site_url = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    pending = alert_recipients(alert).exclude(
        pk__in=AlertDelivery.objects.filter(alert_id=alert.pk).values("subscriber_id")
    )
    sent = 0
    while ids := list(pending.values_list("pk", flat=True)[:batch_size]):
        run = uuid.uuid4()
        AlertDelivery.objects.bulk_create(
            [AlertDelivery(alert_id=alert.pk, subscriber_id=pk, run=run) for pk in ids],
            ignore_conflicts=True,  # another run claimed some first: they are its to send
        )
        claims = AlertDelivery.objects.filter(alert_id=alert.pk, run=run)
        subscribers = list(AlertSubscriber.objects.filter(pk__in=claims.values("subscriber_id")))
        if not subscribers:
            continue
        connection = get_connection()
        messages = [
            alert_message(alert, subscriber, site_url=site_url, connection=connection)
            for subscriber in subscribers
        ]
        try:
            connection.send_messages(messages)
        except Exception:
            claims.delete()  # released: the task's retry sends this batch
            raise
        claims.update(sent_at=timezone.now())
        sent += len(subscribers)
    return sent


# --- the editors' figures -------------------------------------------------------------------


def subscriber_counts(*, language: str) -> list[dict]:
    """Subscribers by audience and language, confirmed and waiting, in one query; audiences
    named in LANGUAGE. No address is read."""
    rows = (
        AlertSubscriber.objects.values("audience", "language")
        .annotate(
            active=Count("pk", filter=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True)),
            pending=Count("pk", filter=Q(confirmed_at__isnull=True, unsubscribed_at__isnull=True)),
        )
        .order_by("-active", "audience", "language")
    )
    names = dict(
        Audience.objects.filter(locale__language_code=language).values_list("slug", "name")
    )
    with translation.override(language):
        everyone = gettext("Everyone (all alerts)")
    languages = dict(settings.LANGUAGES)
    return [
        {
            **row,
            "audience_name": names.get(row["audience"], row["audience"]) or everyone,
            "language_name": languages.get(row["language"], row["language"]),
        }
        for row in rows
    ]
