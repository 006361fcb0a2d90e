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

    def get_queryset(self, request):
        # Who bid is confidential until submission closes (招标投标法 22), for the operator's staff too.
        return super().get_queryset(request).filter(lot__opening_started_at__isnull=False)

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

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request)
