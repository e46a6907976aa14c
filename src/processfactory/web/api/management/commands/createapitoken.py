"""``manage.py createapitoken USERNAME NAME``: a new API token for a user; prints its key once.

Only the key's SHA-256 hash is stored (``registry.services.create_token``): the printed key
cannot be shown again, so copy it into the integration's configuration right away.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from processfactory.web.registry.models import ApiToken
from processfactory.web.registry.services import create_token

NAME_LENGTH = ApiToken._meta.get_field("name").max_length


class Command(BaseCommand):
    help = "Create an API token for USERNAME called NAME and print its key (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user the integration acts as")
        parser.add_argument("name", help="what the token is for, e.g. 'regional dashboard'")

    def handle(self, *args: Any, **options: Any) -> None:
        username, name = options["username"], options["name"].strip()
        if not name:
            raise CommandError("Give the token a name: what is it for?")
        if len(name) > NAME_LENGTH:
            raise CommandError(f"The name is too long: at most {NAME_LENGTH} characters.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive: their tokens would not work.")
        token, key = create_token(user, name)
        self.stdout.write(key)
        self.stderr.write(
            f"API token {token.name!r} (id {token.pk}) for {username}. The key above is shown "
            "only this once: send it as 'Authorization: Bearer <key>'."
        )
