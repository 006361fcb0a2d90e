"""Operators see bids' metadata only: envelopes are sealed, and bid content is not shown before the opening."""

from django.contrib import admin

from .models import Bid, OpeningRecord


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ("lot", "bidder", "status", "submitted_at")
    list_filter = ("status",)
    search_fields = ("lot__code", "bidder__name")
    fields = ("lot", "bidder", "status", "submitted_at", "withdrawn_at", "security_forfeitable", "failure")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OpeningRecord)
class OpeningRecordAdmin(BidAdmin):
    list_display = ("lot", "opened_at", "finished_at", "content_sha256")
    list_filter = ()
    search_fields = ("lot__code",)
    fields = ("lot", "opened_at", "finished_at", "rows", "content_sha256", "signature")
    readonly_fields = fields
