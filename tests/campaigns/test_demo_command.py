from django.contrib.auth import get_user_model
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


def test_second_run_resets_the_demo_accounts_passwords(db, site_tree):
    """The README's table of demo accounts holds after `make demo` however often it runs:
    a coordinator who changed their password locally gets the README's back."""
    call_command("load_campaigns_demo", verbosity=0)
    user = get_user_model().objects.get(username="coord_jiangnan")
    user.set_password("something else")
    user.save()

    call_command("load_campaigns_demo", verbosity=0)
    user.refresh_from_db()
    assert user.check_password("fangzha-coord")
