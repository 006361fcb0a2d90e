"""Monitoring read model (fed from the hub's change feed), jurisdictions, alerts and the access log.

The read model is rebuilt only from feed entries: :class:`FeedEvent` keeps every entry applied, unique by the
hub's feed position ``seq``, and :class:`FeedCursor` the position consumed so far — both written in the same
transaction, so each entry is applied exactly once whatever happens to the worker (docs/supervision.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.supervision.duties.models import Department


class Jurisdiction(models.Model):
    """A department's jurisdiction beyond its ``region_code`` and duty fields (both always apply)."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="jurisdiction")
    region_codes = models.JSONField(_("further regions"), default=list, blank=True)
    industries_types = models.JSONField(_("further industry codes (INDUSTRIES_TYPE)"), default=list, blank=True)
    tender_types = models.JSONField(_("further tender project types (TENDER_PROJECT_TYPE)"), default=list, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")


class DepartmentHead(models.Model):
    """A head of a department: sees the access log of the department's staff and assigns alerts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="heads")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="monitor_head_unique")]


class FeedCursor(models.Model):
    """One row: how far the hub's change feed has been applied, and the witness alerts read."""

    position = models.BigIntegerField(default=0)
    witness_alert_after = models.BigIntegerField(default=0)
    applied = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_applied_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    witness_refreshed_at = models.DateTimeField(null=True, blank=True)


class Project(models.Model):
    """500 项目, as far as the jurisdiction needs it."""

    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=400, blank=True)
    region_code = models.CharField(max_length=6, blank=True)
    industry = models.CharField(max_length=3, blank=True)


class TenderView(models.Model):
    """501 招标项目 with what the dashboard and the rules need from 503–513."""

    class Stage(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        TENDERING = "tendering", _("Tendering")
        OPENED = "opened", _("Opened")
        EVALUATED = "evaluated", _("Evaluated")
        PUBLICITY = "publicity", _("Candidate publicity")
        AWARDED = "awarded", _("Result announced")
        CONTRACTED = "contracted", _("Contract signed")

    code = models.CharField(_("tender project code"), max_length=60, unique=True)
    project_code = models.CharField(max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=400, blank=True)
    region_code = models.CharField(_("region"), max_length=6, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=3, blank=True)
    tender_type = models.CharField(_("tender project type"), max_length=3, blank=True)
    is_to_law = models.BooleanField(default=True)
    platform_code = models.CharField(_("trading platform"), max_length=18, blank=True)
    platform_name = models.CharField(max_length=200, blank=True)
    tenderer_name = models.CharField(_("tenderer"), max_length=200, blank=True)
    tenderer_code = models.CharField(max_length=40, blank=True)
    agency_name = models.CharField(_("agency"), max_length=200, blank=True)
    supervise_dept_name = models.CharField(max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.REGISTERED, db_index=True)
    notice_name = models.CharField(max_length=400, blank=True)
    doc_get_start = models.DateTimeField(null=True, blank=True)
    bid_deadline = models.DateTimeField(_("bid deadline"), null=True, blank=True)
    bid_open_time = models.DateTimeField(_("opening time"), null=True, blank=True, db_index=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    publicity_start = models.DateTimeField(null=True, blank=True)
    publicity_end = models.DateTimeField(null=True, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    contract_at = models.DateTimeField(null=True, blank=True)
    written_report_at = models.DateTimeField(null=True, blank=True)  # not carried by any exchange data set yet
    first_exchanged_at = models.DateTimeField(null=True, blank=True)
    last_exchanged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_exchanged_at", "code"]
        verbose_name = _("tender")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def lots(self):
        return self.lot_set.all()


class LotView(models.Model):
    """502 标段(包)."""

    tender = models.ForeignKey(TenderView, on_delete=models.CASCADE, related_name="lot_set")
    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=400, blank=True)
    classify_code = models.CharField(max_length=30, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    contract_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]


class FeedEvent(models.Model):
    """One applied entry of the hub's change feed (``seq`` is the hub's position: unique, applied once)."""

    seq = models.BigIntegerField(unique=True)
    tender = models.ForeignKey(TenderView, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    tender_code = models.CharField(max_length=60, blank=True, db_index=True)
    dataset = models.CharField(max_length=8)
    key = models.CharField(max_length=200, blank=True)
    op = models.CharField(max_length=8)
    version = models.PositiveIntegerField(default=1)
    platform_code = models.CharField(max_length=18, blank=True)
    origin_code = models.CharField(max_length=18, blank=True)
    origin_name = models.CharField(max_length=200, blank=True)
    region_code = models.CharField(max_length=6, blank=True)
    exchanged_at = models.DateTimeField()
    applied_at = models.DateTimeField()
    record = models.JSONField(default=dict)

    class Meta:
        ordering = ["seq"]

    @property
    def dataset_label(self) -> str:
        from etender.kernel.exchange import DATASETS

        ds = DATASETS.get(self.dataset)
        return ds.zh if ds else ""


class PlatformWitness(models.Model):
    """The latest checkpoint of a trading platform's log cosigned by the hub's witness (GET /api/witness/v1/logs)."""

    platform_code = models.CharField(max_length=18, unique=True)
    origin = models.CharField(max_length=200)
    size = models.BigIntegerField(default=0)
    cosigned_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField()


class Alert(models.Model):
    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    dedupe_key = models.CharField(max_length=200, unique=True)
    tender_code = models.CharField(max_length=60, blank=True, db_index=True)
    tender = models.ForeignKey(TenderView, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    platform_code = models.CharField(max_length=18, blank=True)
    rule_code = models.CharField(_("rule"), max_length=8)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    message_zh = models.TextField()
    message_en = models.TextField()
    source = models.CharField(_("source"), max_length=40)
    event_seq = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assignee"))
    resolution = models.TextField(_("resolution notes"), blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at", "-id"]

    SOURCES = {"rule": _("rule engine"), "witness": _("hub witness"), "complaints": _("complaints"), "directives": _("instructions")}

    @property
    def source_display(self) -> str:
        return str(self.SOURCES.get(self.source, self.source))


class AccessLog(models.Model):
    """Who looked at which restricted record when (电子办法 48: no information beyond the duties; every view is logged)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(max_length=150)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20)
    record = models.CharField(max_length=200)
    tender_code = models.CharField(max_length=60, blank=True, db_index=True)
    path = models.CharField(max_length=400, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    allowed = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at", "-id"]
