"""The full-text index of the portal, per database vendor.

PostgreSQL: a ``tsvector`` column ``search`` with a GIN index.  Services write it
as a tsvector literal built from jieba tokens, so no text-search parser or
dictionary of the server is involved (0003 adds the title's own column).

SQLite: an FTS5 table ``portal_entry_fts(title, body)`` with the ``unicode61``
tokenizer over space-joined jieba tokens; its rowid is the entry id.  (Not the
trigram tokenizer: it cannot find the two-character words most Chinese queries
consist of.)
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE portal_entry ADD COLUMN search tsvector",
    "CREATE INDEX portal_entry_search ON portal_entry USING gin (search)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS portal_entry_search", "ALTER TABLE portal_entry DROP COLUMN IF EXISTS search"]
SQLITE_FORWARD = ["CREATE VIRTUAL TABLE portal_entry_fts USING fts5(title, body, tokenize = 'unicode61')"]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS portal_entry_fts"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
