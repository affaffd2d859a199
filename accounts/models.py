"""API tokens as NetBox v2 and django-rest-knox keep them: only a digest is
stored, the key is shown once, and a user may hold several, each with a name,
an expiry, a scope (read-only or read and write) and when it was last used.

A key is `<key_id>.<secret>`: the public key id finds the row, and the
secret's HMAC-SHA256 (keyed with SECRET_KEY) must match the stored digest,
compared in constant time. A leaked table gives no usable key.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# At most one write per token and minute for `last_used`, so reads do not write every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


class APIToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “laptop scripts”.")
    key_id = models.CharField(max_length=12, unique=True, editable=False, help_text="The key's public first part.")
    digest = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True, help_text="After this the token is refused; empty: never.")
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    write_enabled = models.BooleanField(default=True, help_text="Off: a read-only token, refused on every write (403).")

    class Meta:
        verbose_name = "API token"
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.name} ({self.key_id}…)"

    @classmethod
    def issue(cls, user, name: str, expires=None, write_enabled: bool = True) -> tuple["APIToken", str]:
        """A new token and its key, which is not stored and cannot be shown again."""
        token = cls(user=user, name=name, expires=expires, write_enabled=write_enabled)
        key = token.new_key()
        token.save()
        return token, key

    def new_key(self) -> str:
        self.key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        self.digest = digest_of(secret)
        return f"{self.key_id}.{secret}"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.digest, digest_of(secret))

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    def mark_used(self):
        now = timezone.now()
        if self.last_used is None or now - self.last_used >= LAST_USED_RESOLUTION:
            type(self).objects.filter(pk=self.pk).update(last_used=now)
            self.last_used = now
