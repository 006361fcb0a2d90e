"""The hub's staff verify, suspend and reinstate market entities here (through the services, so it is logged)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from etender.kernel.audit.actors import Actor

from . import services
from .models import Certificate, Contact, EntityUser, MarketEntity, Qualification


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0
    readonly_fields = ("name", "number", "level", "issuer", "valid_until", "added_at")
    can_delete = False


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    readonly_fields = ("name", "title", "phone", "email")
    can_delete = False


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ("ca_name", "algorithm", "serial", "fingerprint", "valid_until", "revoked_at")
    readonly_fields = fields
    can_delete = False


class UserInline(admin.TabularInline):
    model = EntityUser
    extra = 0
    readonly_fields = ("user", "role", "subject", "added_at")
    can_delete = False


def _set_status(modeladmin, request, queryset, status: str) -> None:
    actor = Actor.from_request(request)
    for entity in queryset:
        services.entity_set_status(actor=actor, entity=entity, status=status, note=f"{request.user.get_username()}")
    messages.success(request, _("%(n)d entities updated.") % {"n": queryset.count()})


@admin.action(description=_("Mark as verified"))
def verify(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, MarketEntity.Status.VERIFIED)


@admin.action(description=_("Suspend"))
def suspend(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, MarketEntity.Status.SUSPENDED)


@admin.action(description=_("Back to awaiting verification"))
def reopen(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, MarketEntity.Status.PENDING)


@admin.register(MarketEntity)
class MarketEntityAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "status", "is_tenderer", "is_agency", "is_bidder", "registered_at")
    list_filter = ("status", "is_tenderer", "is_agency", "is_bidder")
    search_fields = ("name", "credit_code")
    readonly_fields = [f.name for f in MarketEntity._meta.fields]
    inlines = [QualificationInline, ContactInline, CertificateInline, UserInline]
    actions = [verify, suspend, reopen]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
