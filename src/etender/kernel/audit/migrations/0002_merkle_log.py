"""The audit log becomes a Merkle log: leaf index, canonical bytes, leaf hash; subtree nodes; checkpoints."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    """Existing entries become the first leaves, in the order they were recorded."""
    from etender.kernel import merkle
    from etender.kernel.canonical import canonical

    AuditEntry = apps.get_model("audit", "AuditEntry")
    LogNode = apps.get_model("audit", "LogNode")
    from etender.kernel.audit.log import leaf_document

    class Nodes:
        def __init__(self):
            self.map = {}

        def node(self, level, index):
            return self.map[(level, index)]

    nodes = Nodes()
    for seq, entry in enumerate(AuditEntry.objects.order_by("id")):
        raw = canonical(leaf_document(entry, seq))
        leaf = merkle.leaf_hash(raw)
        for level, index, h in merkle.new_nodes(seq, leaf, nodes):
            nodes.map[(level, index)] = h
            LogNode.objects.create(level=level, index=index, hash=h.hex())
        AuditEntry.objects.filter(pk=entry.pk).update(seq=seq, canonical=raw.decode(), leaf_hash=leaf.hex())


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField("auditentry", "seq", models.BigIntegerField(blank=True, null=True, unique=True, verbose_name="log index")),
        migrations.AddField("auditentry", "canonical", models.TextField(blank=True, default="")),
        migrations.AddField("auditentry", "leaf_hash", models.CharField(blank=True, default="", max_length=64)),
        migrations.CreateModel(
            name="LogNode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.PositiveSmallIntegerField()),
                ("index", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("level", "index"), name="log_node_unique")]},
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("size", models.BigIntegerField(unique=True, verbose_name="tree size")),
                ("root", models.CharField(max_length=64, verbose_name="root hash")),
                ("note", models.TextField(verbose_name="signed note")),
                ("reason", models.CharField(blank=True, max_length=64, verbose_name="reason")),
                ("created_at", models.DateTimeField(verbose_name="issued at")),
            ],
            options={"ordering": ["-size"], "verbose_name": "log checkpoint", "verbose_name_plural": "log checkpoints"},
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
