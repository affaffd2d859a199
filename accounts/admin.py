from django.contrib import admin, messages

from .models import APIToken


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_id", "write_enabled", "expires", "last_used", "created"]
    list_filter = ["write_enabled"]
    list_select_related = ["user"]
    search_fields = ["name", "key_id", "user__username"]
    autocomplete_fields = ["user"]
    readonly_fields = ["key_id", "created", "last_used"]
    fields = ["user", "name", "write_enabled", "expires", "key_id", "created", "last_used"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key = obj.new_key()
        super().save_model(request, obj, form, change)
        # Shown once: only the digest is kept.
        messages.warning(request, f"The new token's key, shown only now: {key}  (Authorization: Token {key})")
