"""Database triggers: the log tables accept INSERT only.

PostgreSQL: row triggers refuse UPDATE/DELETE and a statement trigger refuses
TRUNCATE, unless the session sets ``etender.log_maintenance = on`` (only the
test suite does, so that it can empty its throw-away database between tests).
SQLite: triggers refuse UPDATE and DELETE unconditionally.
"""

from django.db import migrations

TABLES = ["audit_auditentry", "audit_lognode", "audit_checkpoint"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION etender_log_append_only() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('etender.log_maintenance', true), '') = 'on' THEN
    IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'E151: % on % refused: the operation log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for t in TABLES:
            schema_editor.execute(f"CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION etender_log_append_only()")
            schema_editor.execute(f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION etender_log_append_only()")
    elif vendor == "sqlite":
        for t in TABLES:
            schema_editor.execute(f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} BEGIN SELECT RAISE(ABORT, 'E151: the operation log is append-only'); END")
            schema_editor.execute(f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} BEGIN SELECT RAISE(ABORT, 'E151: the operation log is append-only'); END")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for t in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_no_change ON {t}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_no_delete")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_merkle_log")]
    operations = [migrations.RunPython(forwards, backwards)]
