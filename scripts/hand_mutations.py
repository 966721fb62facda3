"""Hand-made mutants of the guards added after the mutmut runs (docs/mutation.md, "Hand
mutations"): import batches and lobby screens. Each one edits one guard, runs the tests
that should notice, reports KILLED or SURVIVED and puts the file back (also when
interrupted).

    .venv/bin/python scripts/hand_mutations.py         # all of them (about 8 minutes)
    .venv/bin/python scripts/hand_mutations.py 3 7     # by number

It edits the working tree in place for the length of one test run: run it on a clean tree
(or a git worktree), never while another process reads these files.
"""

import pathlib
import subprocess
import sys
from typing import NamedTuple

ROOT = pathlib.Path(__file__).resolve().parent.parent

BATCH_TESTS = ("tests/campaigns/test_import_batch.py", "tests/campaigns/test_background_import.py")
SCREEN_TESTS = ("tests/campaigns/test_screens.py", "tests/campaigns/test_api_and_screens.py")


class Mutant(NamedTuple):
    guard: str
    file: str
    original: str
    mutated: str
    tests: tuple[str, ...]
    equivalent: str = ""  # why no test can tell it apart, when that is so


MUTANTS = [
    Mutant(
        "an import batch is opened only by its uploader, its teams and managers",
        "campaigns/imports/views.py",
        "        jobs = jobs.filter(Q(user=user) | Exists(theirs))",
        "        pass",
        BATCH_TESTS,
    ),
    Mutant(
        "a batch's figures count only the user's teams' events",
        "campaigns/imports/views.py",
        "        permissions.visible_events(user)\n        .filter(import_batch=job)",
        "        OutreachEvent.objects.all()\n        .filter(import_batch=job)",
        BATCH_TESTS,
    ),
    Mutant(
        "the row-by-row report is the uploader's and managers'",
        "campaigns/imports/views.py",
        '"show_report": job.user_id == request.user.pk or permissions.is_manager(request.user)',
        '"show_report": True',
        BATCH_TESTS,
    ),
    Mutant(
        "only reviewers are offered to review a batch",
        "campaigns/imports/views.py",
        '    if figures["submitted"] and (permissions.is_manager(user) or permissions.led_team_ids(user)):',  # noqa: E501
        '    if figures["submitted"]:',
        BATCH_TESTS,
    ),
    Mutant(
        "no campaign role, no batch",
        "campaigns/imports/views.py",
        "    if not permissions.has_campaign_role(user):\n        raise PermissionDenied\n    jobs",
        "    jobs",
        BATCH_TESTS,
    ),
    Mutant(
        "a team sees, edits and revokes its own screens only",
        "campaigns/screens.py",
        '    return Screen.objects.filter(team__in=permissions.visible_teams(user).values("pk"))',
        "    return Screen.objects.all()",
        SCREEN_TESTS,
    ),
    Mutant(
        "no campaign role, no screens",
        "campaigns/screens.py",
        "    if not permissions.has_campaign_role(user):\n        return Screen.objects.none()\n",
        "",
        SCREEN_TESTS,
        equivalent="visible_teams() is empty without a role, so the filter below is too",
    ),
    Mutant(
        "managers see every screen",
        "campaigns/screens.py",
        "    if permissions.is_manager(user):\n        return Screen.objects.all()\n",
        "",
        SCREEN_TESTS,
        equivalent="visible_teams() is every team for a manager: the same screens",
    ),
    Mutant(
        "the dashboard's screen figures are the user's screens only",
        "campaigns/screens.py",
        '    visible = visible_screens(user).values("pk")',
        '    visible = Screen.objects.values("pk")',
        SCREEN_TESTS,
    ),
    Mutant(
        "a revoked screen's reports are refused",
        "campaigns/player_views.py",
        "    screen = screens.find_screen(token, for_report=True)\n"
        "    if screen is None or screens.is_revoked(screen):",
        "    screen = screens.find_screen(token, for_report=True)\n    if screen is None:",
        SCREEN_TESTS,
    ),
    Mutant(
        "a revoked screen gets no playlist",
        "campaigns/player_views.py",
        "    screen = screens.find_screen(token)\n    if screen is None or screens.is_revoked(screen):",  # noqa: E501
        "    screen = screens.find_screen(token)\n    if screen is None:",
        SCREEN_TESTS,
    ),
    Mutant(
        "a screen's reports are rate-limited",
        "campaigns/player_views.py",
        "    if over_limit(",
        "    if False and over_limit(",
        SCREEN_TESTS,
    ),
    Mutant(
        "a play of an item not in the screen's playlist is not counted",
        "campaigns/screens.py",
        "        if play.item not in items or not oldest <= play.at <= now + CLOCK_SKEW:",
        "        if not oldest <= play.at <= now + CLOCK_SKEW:",
        ("tests/campaigns/test_screens.py",),
    ),
    Mutant(
        "a play from before the screen existed or from the future is not counted",
        "campaigns/screens.py",
        "        if play.item not in items or not oldest <= play.at <= now + CLOCK_SKEW:",
        "        if play.item not in items:",
        ("tests/campaigns/test_screens.py",),
    ),
    Mutant(
        "nobody deletes a screen (its figures stay)",
        "campaigns/viewsets.py",
        '    refused_actions = frozenset({"delete"})',
        "    refused_actions = frozenset()",
        SCREEN_TESTS,
    ),
    Mutant(
        "big screen links are for managers only",
        "campaigns/viewsets.py",
        "    def allows(self, user):\n        return permissions.is_manager(user)",
        "    def allows(self, user):\n        return permissions.has_campaign_role(user)",
        ("tests/campaigns/test_display_links.py",),
    ),
]


def run(number: int, mutant: Mutant) -> str:
    path = ROOT / mutant.file
    text = path.read_text()
    if text.count(mutant.original) != 1:
        return f"M{number} NOT APPLIED: the guard's text is not found once in {mutant.file}"
    path.write_text(text.replace(mutant.original, mutant.mutated))
    try:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *mutant.tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(text)
    summary = ([line for line in done.stdout.splitlines() if line.strip()] or ["?"])[-1]
    if done.returncode == 1:
        verdict = "KILLED"
    elif done.returncode == 0:
        verdict = f"SURVIVED (equivalent: {mutant.equivalent})" if mutant.equivalent else "SURVIVED"
    else:
        verdict = f"ERROR (pytest exit {done.returncode})"
    return f"M{number} {verdict}: {mutant.guard} [{summary}]"


def main(numbers: list[int]) -> int:
    chosen = numbers or range(len(MUTANTS))
    results = []
    for number in chosen:
        results.append(run(number, MUTANTS[number]))
        print(results[-1], flush=True)
    holes = [line for line in results if "SURVIVED" in line and "equivalent" not in line]
    return (
        1
        if holes or any("KILLED" not in line and "SURVIVED" not in line for line in results)
        else 0
    )


if __name__ == "__main__":
    sys.exit(main([int(arg) for arg in sys.argv[1:]]))
