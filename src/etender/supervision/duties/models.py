"""What each supervising department publishes about its duties (电子办法 47).

Article 47 asks the supervising departments to publish, on their platform,
the laws and rules they apply, the basis of their supervision, their duties
and powers, the steps they supervise, their procedures and time limits,
their data-exchange requirements and their contacts.  One
:class:`DutySection` per department and :class:`SectionKind` holds each of
these texts; the department's own staff (:class:`DepartmentStaff`) keep them
up to date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """The fields a department supervises (条例 4; 电子办法 4)."""

    COORDINATION = "coordination", _("Guidance and coordination of tendering")
    MAJOR_PROJECTS = "major_projects", _("Major construction projects")
    E_PLATFORMS = "e_platforms", _("Electronic tendering systems")
    INDUSTRY = "industry", _("Industry and information technology")
    HOUSING = "housing", _("Buildings and municipal infrastructure")
    TRANSPORT = "transport", _("Highway and waterway works")
    RAILWAY = "railway", _("Railway works")
    WATER = "water", _("Water conservancy works")
    COMMERCE = "commerce", _("International tendering of electromechanical products")
    PROCUREMENT = "procurement", _("Government procurement policy in construction projects")


class SectionKind(models.TextChoices):
    """The items 电子办法 47 asks a supervising department to publish, in display order."""

    LEGAL_BASIS = "legal_basis", _("Legal basis")
    DUTIES = "duties", _("Duties and powers")
    MATTERS = "matters", _("Supervised matters")
    PROCEDURES = "procedures", _("Procedures")
    TIME_LIMITS = "time_limits", _("Time limits")
    DATA_EXCHANGE = "data_exchange", _("Data-exchange requirements")
    CONTACTS = "contacts", _("Contacts")

    @classmethod
    def position(cls, kind: str) -> int:
        return list(cls.values).index(kind) + 1


class Department(models.Model):
    """A department that supervises tendering in its field (条例 4)."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Short identifier used in addresses, e.g. zj-fgw."))
    name = models.CharField(_("name"), max_length=200)
    region_code = models.CharField(_("region"), max_length=6, help_text=_("Administrative division code (GB/T 2260)."))
    industries = models.JSONField(_("supervised fields"), default=list, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("supervising department")
        verbose_name_plural = _("supervising departments")

    def __str__(self) -> str:
        return self.name

    def industry_labels(self) -> list[str]:
        labels = dict(Industry.choices)
        return [str(labels[i]) for i in self.industries if i in labels]


class DepartmentStaff(models.Model):
    """A user who may edit the published duties of a department."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_departments")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="staff")

    class Meta:
        verbose_name = _("department staff member")
        verbose_name_plural = _("department staff")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="duties_staff_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class DutySection(models.Model):
    """One published item of a department (one per kind)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("item"), max_length=20, choices=SectionKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("last updated"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by"))
    updated_by_name = models.CharField(_("editor"), max_length=150, blank=True)

    class Meta:
        ordering = ["department", "order", "id"]
        verbose_name = _("duty section")
        verbose_name_plural = _("duty sections")
        constraints = [models.UniqueConstraint(fields=["department", "kind"], name="duties_section_unique_kind")]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_kind_display()}"

    @property
    def editor_display(self) -> str:
        """Who made the last change, for people (a system job shows as the default text)."""
        if self.updated_by_id is None and self.updated_by_name.startswith("system:"):
            return str(_("the system (default text)"))
        return self.updated_by_name
