from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import APIToken
from articles.permissions import ensure_editors_group


class Command(BaseCommand):
    help = (
        "Create (or update) an editor who may write through the API, make a new API token for them "
        "and print its key last. The key is shown only now; each run makes another token."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--staff", action="store_true", help="Also let the editor use the admin.")
        parser.add_argument("--token-name", default="create_editor", help="What the token is for.")
        parser.add_argument("--expires-days", type=int, help="The token stops working after this many days.")
        parser.add_argument("--read-only", action="store_true", help="A token that may only read.")

    def handle(self, username, email, staff, token_name, expires_days, read_only, **options):
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        if staff and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(ensure_editors_group())
        expires = timezone.now() + timedelta(days=expires_days) if expires_days else None
        token, key = APIToken.issue(user, token_name, expires=expires, write_enabled=not read_only)
        self.stdout.write(f"{'Created' if created else 'Updated'} editor {username!r}.")
        scope = "read-only" if read_only else "read and write"
        until = f", expires {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
        self.stdout.write(f"New API token {token.key_id} ({token_name}, {scope}{until}); the key is shown only now:")
        self.stdout.write(f"Authorization: Token {key}")
