"""Editors' tokens: `Authorization: Token <key>`, or `Bearer <key>`, which is
what generated clients send for the schema's HTTP bearer scheme. The tokens
themselves, stored as digests, are accounts.models.APIToken; failures count
against the client's address (accounts.auth_failures)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts import auth_failures
from accounts.models import APIToken


class TokenOrBearerAuthentication(BaseAuthentication):
    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in self.keywords:
            return None
        wait = auth_failures.seconds_refused(request)
        if wait is not None:
            raise exceptions.Throttled(wait, detail=f"Too many failed sign-ins from this address; retry in {wait} s.")
        try:
            return self._authenticate(header)
        except exceptions.AuthenticationFailed:
            auth_failures.count_failure(request)
            raise

    def _authenticate(self, header):
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid Authorization header: give `Token <key>` or `Bearer <key>`, the key without spaces."
            )
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: the key is not plain text.") from exc
        key_id, _, secret = key.partition(".")
        token = APIToken.objects.select_related("user").filter(key_id=key_id).first() if secret else None
        if token is None or not token.matches(secret):
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.expired:
            raise exceptions.AuthenticationFailed(f"The token expired at {token.expires.isoformat()}.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        token.mark_used()
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class TokenOrBearerScheme(OpenApiAuthenticationExtension):
    target_class = TokenOrBearerAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token, as `Authorization: Bearer <key>` (or `Token <key>`); "
            "`manage.py create_editor` prints one, and `/api/v1/tokens/` makes more.",
        }
