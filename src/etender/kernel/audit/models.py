from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded operation (电子办法 49; rule E151).

    Written by services inside their transaction, so an operation and its
    record commit or roll back together.  Payloads hold metadata and hashes,
    never sealed bid content.
    """

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("user"), max_length=150)
    entity_code = models.CharField(_("entity"), max_length=18, blank=True)
    ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True, db_index=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Merkle log leaf (docs/audit-log.md): dense 0-based index, the canonical bytes and their leaf hash.
    seq = models.BigIntegerField(_("log index"), unique=True, null=True, blank=True)
    canonical = models.TextField(blank=True, default="")
    leaf_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}:{self.object_id}"


class LogNode(models.Model):
    """A complete subtree hash of the Merkle log: leaves [index·2^level, (index+1)·2^level)."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="log_node_unique")]


class Checkpoint(models.Model):
    """A signed tree head in C2SP checkpoint note format."""

    size = models.BigIntegerField(_("tree size"), unique=True)
    root = models.CharField(_("root hash"), max_length=64)
    note = models.TextField(_("signed note"))
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["-size"]
        verbose_name = _("log checkpoint")
        verbose_name_plural = _("log checkpoints")

    def __str__(self) -> str:
        return f"{self.size} {self.root[:16]}"
