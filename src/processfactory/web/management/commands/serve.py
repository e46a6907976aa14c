"""``manage.py serve``: print where the app listens and the demo logins, then run Django's
development server without autoreload (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from processfactory.web.demo_logins import DEMO_LOGINS, DEMO_PASSWORD
from processfactory.web.warmup import start_kernel_warm_up, warm_up_enabled


def site_url(addr: str, port: int) -> str:
    host = f"[{addr}]" if ":" in addr else addr
    return f"http://{host}:{port}/"


def banner(addr: str, port: int) -> str:
    """The start-up text: the address and each demo persona's login."""
    width = max(len(login.username) for login in DEMO_LOGINS)
    lines = [
        f"Process Factory web app: {site_url(addr, port)}",
        f"Demo logins (password: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {login.username:<{width}}  {login.description}" for login in DEMO_LOGINS]
    lines.append("Stop with Ctrl+C.")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Serve the web app (development server, no autoreload) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")

    def handle(self, *args: Any, **options: Any) -> None:
        addr, port = options["addr"], options["port"]
        self.stdout.write(banner(addr, port))
        self.stdout.flush()

        def report(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        if warm_up_enabled():
            report(
                "Loading the simulation kernel in the background "
                "(compiled on the first start after an install: about a minute)."
            )
            start_kernel_warm_up(report)
        addrport = f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"
        call_command("runserver", addrport, use_reloader=False, use_ipv6=":" in addr)
