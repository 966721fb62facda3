from django.core.management import call_command

from campaigns.models import Campaign, OutreachEvent, Team


def test_campaigns_demo_command_loads_once_and_keeps_rollups_exact(db, site_tree):
    call_command("load_campaigns_demo", verbosity=0)
    counts = (Team.objects.count(), Campaign.objects.count(), OutreachEvent.objects.count())
    assert counts[0] == 3 and counts[1] >= 3 and counts[2] > 100

    call_command("load_campaigns_demo", verbosity=0)  # a second run changes nothing
    assert (
        Team.objects.count(),
        Campaign.objects.count(),
        OutreachEvent.objects.count(),
    ) == counts
