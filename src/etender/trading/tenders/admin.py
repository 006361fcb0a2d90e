"""Operator views of tenders. Business changes go through the services (and so the UI and API), not the admin."""

from django.contrib import admin

from .models import Announcement, Clarification, Lot, Objection, Project, Tender, TenderDocument


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ("number", "code", "name", "estimated_price", "bid_security", "max_price", "status")
    readonly_fields = fields
    can_delete = False


@admin.register(Tender)
class TenderAdmin(ReadOnly):
    list_display = ("code", "name", "tenderer", "status", "bid_deadline", "published_at")
    list_filter = ("status", "procedure")
    search_fields = ("code", "name", "tenderer__name")
    inlines = [LotInline]


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ("code", "name", "owner", "region_code", "created_at")
    search_fields = ("code", "name")


admin.site.register([Announcement, Clarification, TenderDocument, Objection], ReadOnly)
