"""Load the demo outreach data (idempotent): teams, campaigns, a year of events, scans.

Run after `load_demo` (the site's content), because demo events hand out the demo's
published materials. `make demo` runs both.
"""

from django.core.management.base import BaseCommand

from campaigns.demo import load_campaign_demo


class Command(BaseCommand):
    help = "Load the demo teams, campaigns, events and accounts (once; safe to re-run)."

    def handle(self, *args, **options):
        if load_campaign_demo():
            self.stdout.write("Campaign demo loaded: teams, campaigns, a year of events.")
        else:
            self.stdout.write("Campaign demo is already loaded; leaving it as it is.")
