"""Witness cosignatures of the log's checkpoints (append-only like the log tables, see 0003) and the state per witness."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "audit_cosignature"


def append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":  # the function etender_log_append_only() comes from 0003
        schema_editor.execute(f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION etender_log_append_only()")
        schema_editor.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION etender_log_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute(f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, 'E151: the operation log is append-only'); END")
        schema_editor.execute(f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, 'E151: the operation log is append-only'); END")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='WitnessState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.CharField(max_length=300, unique=True)),
                ('verifier_key', models.CharField(blank=True, default='', max_length=400)),
                ('size', models.BigIntegerField(default=0)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True, default='')),
                ('last_success_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='Cosignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('witness', models.CharField(max_length=255, verbose_name='witness')),
                ('key_id', models.CharField(max_length=8)),
                ('timestamp', models.BigIntegerField(verbose_name='cosigned at (POSIX seconds)')),
                ('line', models.TextField()),
                ('received_at', models.DateTimeField()),
                ('checkpoint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cosignatures', to='audit.checkpoint')),
            ],
            options={
                'ordering': ['checkpoint', 'witness'],
                'constraints': [models.UniqueConstraint(fields=('checkpoint', 'witness', 'key_id'), name='cosignature_once')],
            },
        ),
        migrations.RunPython(append_only, drop_triggers),
    ]
