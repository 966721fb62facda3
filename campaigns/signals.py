"""Keep the reach rollups exact whatever path changes an event (admin, import, shell).

The handlers only read the previous state and call reach.py; the arithmetic is there.
Approved events are not edited in place (they are returned first, see permissions.py),
so their material lines are stable while they count.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import reach
from .models import District, OutreachEvent, Venue


@receiver(pre_save, sender=OutreachEvent)
def remember_event_state(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._rollup_before = None
        return
    stored = OutreachEvent.objects.filter(pk=instance.pk).first()
    instance._rollup_before = reach.event_state(stored) if stored else None


@receiver(post_save, sender=OutreachEvent)
def event_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    reach.update_rollups(getattr(instance, "_rollup_before", None), reach.event_state(instance))


@receiver(pre_delete, sender=OutreachEvent)
def remember_deleted_state(sender, instance, **kwargs):
    instance._rollup_before = reach.event_state(instance)


@receiver(post_delete, sender=OutreachEvent)
def event_deleted(sender, instance, **kwargs):
    reach.update_rollups(getattr(instance, "_rollup_before", None), None)


@receiver(pre_save, sender=Venue)
def remember_venue(sender, instance, raw=False, **kwargs):
    instance._before = (
        Venue.objects.filter(pk=instance.pk).values("venue_type", "district_id").first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=Venue)
def venue_saved(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_before", None):
        reach.venue_changed(instance, instance._before)


@receiver(pre_save, sender=District)
def remember_district_name(sender, instance, raw=False, **kwargs):
    instance._name_before = (
        District.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=District)
def district_saved(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_name_before", None):
        reach.district_renamed(instance._name_before, instance.name)
