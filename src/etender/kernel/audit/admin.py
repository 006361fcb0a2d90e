from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "username", "ip", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_id", "entity_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
