"""A derived index of the exchange records for open data: which contracting process each record belongs to.

The exchange tables are keyed by (data set, record key); open data needs the records of one
tender project, the tender projects of one project and the records of one bid section.  Those
codes sit inside the JSON of a record, so :mod:`.services` copies them here from the change feed
(``process_index_update``), and the selectors read through indexed columns.  Nothing here is
published: it only says where to look.
"""

from django.db import models


class Member(models.Model):
    """One exchange record and the codes that place it in a contracting process (as of its latest version)."""

    record = models.OneToOneField("exchange.Record", on_delete=models.CASCADE, primary_key=True, related_name="+")
    dataset = models.CharField(max_length=8)
    tender_project = models.CharField(max_length=40, blank=True)
    project = models.CharField(max_length=40, blank=True)
    section = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tender_project", "dataset"], name="opendata_member_tender"),
            models.Index(fields=["project", "dataset"], name="opendata_member_project"),
            models.Index(fields=["section", "dataset"], name="opendata_member_section"),
        ]


class IndexState(models.Model):
    """One row: the feed position up to which :class:`Member` is complete."""

    position = models.BigIntegerField(default=0)
