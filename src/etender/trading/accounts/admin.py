from django.contrib import admin

from .models import BidderKey, Entity, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


class KeyInline(admin.TabularInline):
    model = BidderKey
    extra = 0
    readonly_fields = ("key_id", "suite", "encryption_public", "signing_public", "registered_at")
    can_delete = False


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "is_tenderer", "is_agency", "is_bidder", "is_platform_operator", "region_code", "registered_at")
    list_filter = ("is_tenderer", "is_agency", "is_bidder", "is_platform_operator")
    search_fields = ("name", "credit_code")
    readonly_fields = ("credit_code", "registered_at", "legal_rep_digest")
    inlines = [MembershipInline, KeyInline]
