"""PostgreSQL: the title words in a column of their own (``title_search``, GIN).

Ranking puts entries with every query word in the title first.  Asking ``search``
for words of weight A gave the planner no statistics for that condition (weights
are invisible to them): it expected as many title matches as matches and walked
the date index looking for rows that did not exist.  A column of its own has
its own statistics, and it is small enough to stay out of TOAST.
SQLite needs nothing: FTS5 filters by column (``title : …``).
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE portal_entry ADD COLUMN title_search tsvector",
    "CREATE INDEX portal_entry_title_search ON portal_entry USING gin (title_search)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS portal_entry_title_search", "ALTER TABLE portal_entry DROP COLUMN IF EXISTS title_search"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_search_index")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
