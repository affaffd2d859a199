"""The suggestions' own list in the admin: every suggestion, by state, kind and suggester. They are
decided on their article's page (curation.admin_suggestions), not edited here."""

from django.contrib import admin

from .models import Suggestion


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "kind", "state", "score", "suggester", "decided_by", "decided_at"]
    list_filter = ["state", "kind", "suggester"]
    list_select_related = ["article", "decided_by"]
    search_fields = ["quote"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
