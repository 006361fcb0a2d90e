"""Administration of departments and their staff; the texts themselves are edited on the public pages."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.codes import CodeError, validate_region_code

from .models import Department, DepartmentStaff, DutySection, Industry


class DepartmentForm(forms.ModelForm):
    industries = forms.MultipleChoiceField(label=_("supervised fields"), choices=Industry.choices, widget=forms.CheckboxSelectMultiple, required=False)
    website = forms.URLField(label=_("website"), assume_scheme="https", required=False)

    class Meta:
        model = Department
        fields = "__all__"

    def clean_region_code(self):
        code = self.cleaned_data["region_code"]
        try:
            validate_region_code(code)
        except CodeError as exc:
            raise forms.ValidationError(f"E003 {exc.message_zh} ({exc.message_en})") from None
        return code


class StaffInline(admin.TabularInline):
    model = DepartmentStaff
    extra = 1
    raw_id_fields = ("user",)


class SectionInline(admin.TabularInline):
    """Read only: sections are edited on the department page, where every edit is audited."""

    model = DutySection
    fields = ("kind", "title", "order", "version", "updated_at", "updated_by_name")
    readonly_fields = ("kind", "title", "version", "updated_at", "updated_by_name")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentForm
    list_display = ("name", "code", "region_code", "published", "order")
    list_filter = ("published",)
    search_fields = ("name", "code")
    inlines = [StaffInline, SectionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = "duties.department_changed" if change else "duties.department_created"
        audit_record(actor=Actor.from_request(request), action=action, obj=obj, data={"fields": form.changed_data, "published": obj.published})

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is DepartmentStaff:
            added = [m.user.get_username() for m in formset.new_objects]
            removed = [m.user.get_username() for m in formset.deleted_objects]
            if added or removed:
                audit_record(actor=Actor.from_request(request), action="duties.staff_changed", obj=form.instance, data={"added": added, "removed": removed})
        elif formset.model is DutySection and formset.changed_objects:
            changes = [{"kind": s.kind, "fields": fields} for s, fields in formset.changed_objects]
            audit_record(actor=Actor.from_request(request), action="duties.sections_reordered", obj=form.instance, data={"changes": changes})

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would bypass the audit below
        return actions

    def delete_model(self, request, obj):
        audit_record(actor=Actor.from_request(request), action="duties.department_deleted", obj=obj, data={"code": obj.code, "name": obj.name})
        super().delete_model(request, obj)
