from django.contrib import admin

from .models import Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "status", "registered_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "code")
    readonly_fields = ("code", "public_key", "registered_at")
