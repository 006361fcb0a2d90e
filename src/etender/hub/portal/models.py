"""The disclosure index: one entry per published exchange record, with its public view only.

The search vectors are not model fields: on PostgreSQL they are the columns
``portal_entry.search`` (every word) and ``portal_entry.title_search`` (the
title's words), tsvector with GIN indexes; on SQLite the FTS5 table
``portal_entry_fts(title, body)`` (rowid = entry id).  Migrations 0002 and 0003
create them; ``services`` writes them in the same transaction as the entry.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """What the portal shows of one exchange record (current version)."""

    class State(models.TextChoices):
        VISIBLE = "visible", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn by the source platform")

    dataset = models.CharField(_("data set"), max_length=8)
    key = models.CharField(_("record key"), max_length=200)
    kind = models.CharField(_("type"), max_length=16)
    #: The platform that sent the record to this hub (a trading platform, or a lower-level hub forwarding it).
    platform = models.ForeignKey("exchange.Platform", on_delete=models.PROTECT, related_name="+", verbose_name=_("exchanged by"))
    #: The trading platform the record comes from (电子办法 49: shown on every record).
    source_code = models.CharField(_("source platform code"), max_length=18)
    source_name = models.CharField(_("source platform"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.VISIBLE)
    #: Not shown before this time (an embargo that lifts at a known time, e.g. the start of a publicity).
    visible_from = models.DateTimeField(_("visible from"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=600)
    project_name = models.CharField(_("tender project"), max_length=600, blank=True)
    tender_project_code = models.CharField(_("tender project code"), max_length=20, blank=True)
    project_code = models.CharField(_("project code"), max_length=17, blank=True)
    section_codes = models.TextField(_("bid section codes"), blank=True)
    region_code = models.CharField(_("region"), max_length=6, blank=True)
    industry_code = models.CharField(_("industry"), max_length=8, blank=True)
    category = models.CharField(_("classification"), max_length=8, blank=True)
    published_at = models.DateTimeField(_("published at"))
    exchanged_at = models.DateTimeField(_("exchanged at"))
    first_exchanged_at = models.DateTimeField(_("first exchanged at"))
    data = models.JSONField(_("public fields"), default=dict)

    class Meta:
        verbose_name = _("published record")
        verbose_name_plural = _("published records")
        constraints = [models.UniqueConstraint(fields=["dataset", "key"], name="portal_entry_record")]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="portal_entry_newest"),
            models.Index(fields=["kind", "-published_at", "-id"], name="portal_entry_kind_newest"),
            models.Index(fields=["tender_project_code"], name="portal_entry_tender"),
            models.Index(fields=["project_code"], name="portal_entry_project"),
            models.Index(fields=["region_code"], name="portal_entry_region"),
            models.Index(fields=["source_code", "-published_at"], name="portal_entry_source"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.title}"


class EntryVersion(models.Model):
    """The public view of every version the portal has shown (version history)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    op = models.CharField(max_length=8)
    title = models.CharField(max_length=600)
    data = models.JSONField(default=dict)
    exchanged_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["entry", "version"], name="portal_entry_version")]


class SupervisionDutiesCopy(models.Model):
    """The last good copy of a supervision platform's published duties (电子办法 47), kept so the portal page
    works while that platform is away (see ``supervision_duties``)."""

    platform_code = models.CharField(_("platform"), max_length=18, unique=True)
    platform_name = models.CharField(_("name"), max_length=200)
    source_url = models.URLField(_("source"), max_length=300)
    data = models.JSONField(default=dict, help_text="the answer of GET /api/duties/v1/published")
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=8, blank=True)
    error_detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["platform_name", "platform_code"]
