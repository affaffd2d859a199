"""A read-only token reads and nothing more, whatever its user may do."""

from rest_framework import permissions

from .models import APIToken


class TokenScope(permissions.BasePermission):
    message = "This token is read-only: writing needs a token made with write_enabled."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not isinstance(request.auth, APIToken):
            return True
        return request.auth.write_enabled
