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


class Cosignature(models.Model):
    """A witness's cosignature line on one of this log's checkpoints (docs/witness.md).

    Checkpoints are append-only rows, so cosignatures that arrive later are
    kept beside them; the log API serves the note with these lines appended.
    """

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.CharField(_("witness"), max_length=255)  # the witness's key name
    key_id = models.CharField(max_length=8)  # hex
    timestamp = models.BigIntegerField(_("cosigned at (POSIX seconds)"))
    line = models.TextField()  # "— <witness> <base64>\n", verified before it is stored
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["checkpoint", "witness"]
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness", "key_id"], name="cosignature_once")]


class WitnessState(models.Model):
    """This log as one witness knows it, seen from the log: pinned witness key, the size it holds, retries."""

    url = models.CharField(max_length=300, unique=True)  # the witness's submission prefix, e.g. <hub>/api/witness/v1
    verifier_key = models.CharField(max_length=400, blank=True, default="")  # pinned (setting, or first contact)
    size = models.BigIntegerField(default=0)  # the tree size of the latest checkpoint the witness cosigned, as far as we know
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    last_success_at = models.DateTimeField(null=True, blank=True)
