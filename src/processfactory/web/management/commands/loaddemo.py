"""``manage.py loaddemo``: load the Leningrad region demo (idempotent; ``--reset`` rebuilds it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from processfactory.web import demo


class Command(BaseCommand):
    help = (
        "Load the Leningrad region demo data (generated, marked as demo). Running it again "
        "changes nothing; --reset removes the demo's records and loads them afresh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="remove the demo's records and load them again"
        )
        parser.add_argument(
            "--seed", type=int, default=demo.SEED, help=f"random seed (default {demo.SEED})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            demo.reset_demo()
        try:
            summary = demo.load_demo(seed=options["seed"])
        except demo.DemoError as error:
            # make run goes on serving the existing data: a notice, not a failure
            self.stderr.write(self.style.WARNING(f"Demo data not loaded: {error.message}"))
            return
        what = (
            f"{summary.factories} factories, {summary.enterprises} enterprises, "
            f"{summary.trainings} trainings, {summary.participants} participants; "
            f"figures as of {summary.as_of:%Y-%m-%d}"
        )
        if summary.loaded:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {what}."))
        else:
            self.stdout.write(f"Demo data already loaded ({what}); nothing changed.")
