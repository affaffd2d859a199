from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from articles.permissions import ensure_editors_group


class Command(BaseCommand):
    help = "Create (or update) an editor who may write through the API, and print the API token last."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--staff", action="store_true", help="Also let the editor use the admin.")

    def handle(self, username, email, staff, **options):
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        if staff and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(ensure_editors_group())
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(f"{'Created' if created else 'Updated'} editor {username!r}.")
        self.stdout.write(f"Authorization: Token {token.key}")
