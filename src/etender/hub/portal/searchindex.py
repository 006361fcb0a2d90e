"""The two full-text backends behind one interface: PostgreSQL tsvector + GIN, SQLite FTS5.

Both index the same jieba tokens (``segment.index_tokens``) and are queried with
the same tokens (``segment.query_tokens``); every query token must match (AND).
``match(tokens, scope)`` returns an ORM filter for ``Entry`` querysets,
so filters, ordering and paging stay ordinary Django ORM.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

__all__ = ["clear", "filter_terms", "fts_query", "match", "query_terms", "title_rank", "tsquery", "tsvector_literal", "write"]


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(*token_lists: list[str]) -> str:
    """A tsvector in its input syntax (distinct words, no positions).

    Built by hand so that PostgreSQL's parser never re-cuts the jieba words.
    """
    return " ".join(_lexeme(t) for t in dict.fromkeys(t for tokens in token_lists for t in tokens))


def tsquery(tokens: list[str]) -> str:
    """``'a' & 'b'``: every token (a filter term ``"! x"`` becomes ``!' x'``; words never start with ``!``)."""
    return " & ".join(f"!{_lexeme(t[1:])}" if t.startswith("! ") else _lexeme(t) for t in tokens)


# Filter values as lexemes (PostgreSQL).  With type, region, platform, industry and classification inside the
# search vectors, a filtered full-text query is answered by the GIN index alone: counting its matches needs no
# row of the table.  A leading space keeps these lexemes apart from words (a query word never holds a space).


def _prefixes(value: str, lengths: tuple[int, ...]) -> list[str]:
    return list(dict.fromkeys(value[:n] for n in lengths if len(value) >= n))


def filter_terms(entry) -> list[str]:
    """The filter lexemes of an entry: its type (and `` unlisted`` outside the default search scope), every prefix
    of its region, industry and classification that a filter may name, and its source platform."""
    from .disclosure import DEFAULT_SCOPE

    terms = [f" k:{entry.kind}"]
    if entry.kind not in DEFAULT_SCOPE:
        terms.append(" unlisted")  # the default scope is "not unlisted": a short posting list, not a long one
    terms += [f" r:{p}" for p in _prefixes(entry.region_code, (2, 4, 6))]
    terms += [f" i:{p}" for p in _prefixes(entry.industry_code, (1, 3, 5))]
    terms += [f" c:{p}" for p in _prefixes(entry.category, (1, 3, 5, 7))]
    if entry.source_code:
        terms.append(f" p:{entry.source_code}")
    return terms


def query_terms(params) -> list[str]:
    """The filter lexemes a search asks for (see ``query.SearchParams``); ``!`` marks one that must be absent."""
    from .disclosure import DEFAULT_SCOPE

    terms = ["! unlisted"] if tuple(params.scope) == DEFAULT_SCOPE else [f" k:{params.scope[0]}"]
    if params.region:
        terms.append(f" r:{params.region_prefix}")
    if params.industry:
        terms.append(f" i:{params.industry}")
    if params.category:
        terms.append(f" c:{params.category}")
    if params.platform:
        terms.append(f" p:{params.platform}")
    return terms


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_query(tokens: list[str], scope: str = "all") -> str:
    every = " AND ".join(_fts_phrase(t) for t in tokens)
    return {"all": every, "title": f"title : ({every})", "rest": f"({every}) NOT title : ({every})"}[scope]


def write(entry, title: list[str], body: list[str]) -> None:
    """Store the words of ``entry`` (replacing what was there); on PostgreSQL with its filter lexemes."""
    vendor = connection.vendor
    entry_id = entry.pk
    with connection.cursor() as cur:
        if vendor == "postgresql":
            terms = filter_terms(entry)
            cur.execute(
                "UPDATE portal_entry SET search = %s::tsvector, title_search = %s::tsvector WHERE id = %s",
                [tsvector_literal(title, body, terms), tsvector_literal(title, terms), entry_id],
            )
        elif vendor == "sqlite":
            in_title = set(title)
            cur.execute("DELETE FROM portal_entry_fts WHERE rowid = %s", [entry_id])
            cur.execute(
                "INSERT INTO portal_entry_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [entry_id, " ".join(title), " ".join(t for t in body if t not in in_title)],
            )


def clear(entry_id: int) -> None:
    """Nothing of entry ``entry_id`` can be found any more (withdrawn record)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("UPDATE portal_entry SET search = NULL, title_search = NULL WHERE id = %s", [entry_id])
        elif connection.vendor == "sqlite":
            cur.execute("DELETE FROM portal_entry_fts WHERE rowid = %s", [entry_id])


def title_rank(tokens: list[str]):  # the filter lexemes are in both vectors: no need to repeat them
    """An expression that is 1 for entries with every token in the title, else 0 (for ORDER BY)."""
    from django.db.models import IntegerField

    if connection.vendor == "postgresql":
        return RawSQL("(portal_entry.title_search @@ %s::tsquery)::int", [tsquery(tokens)], output_field=IntegerField())
    if connection.vendor == "sqlite":
        return RawSQL(
            "(portal_entry.id IN (SELECT rowid FROM portal_entry_fts WHERE portal_entry_fts MATCH %s))", [fts_query(tokens, "title")], output_field=IntegerField()
        )
    from django.db.models import Case, Value, When

    cond = Q()
    for t in tokens:
        cond &= Q(title__icontains=t)
    return Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())


def match(tokens: list[str], scope: str = "all", terms: list[str] | None = None) -> Q:
    """ORM filter: entries containing every token (``all``), every token in the title (``title``), or the
    ``all`` matches that are not ``title`` matches (``rest``); on PostgreSQL also every filter lexeme of ``terms``."""
    if connection.vendor == "postgresql":
        q = tsquery([*tokens, *(terms or [])])
        sql = {
            "all": "portal_entry.search @@ %s::tsquery",
            "title": "portal_entry.title_search @@ %s::tsquery",
            "rest": "portal_entry.search @@ %s::tsquery AND NOT portal_entry.title_search @@ %s::tsquery",
        }[scope]
        return Q(RawSQL(sql, [q] * sql.count("%s"), output_field=BooleanField()))
    if connection.vendor == "sqlite":
        return Q(id__in=RawSQL("SELECT rowid FROM portal_entry_fts WHERE portal_entry_fts MATCH %s", [fts_query(tokens, scope)]))
    # Other databases (not supported by etender): a substring scan of the title.
    q = Q()
    for t in tokens:
        q &= Q(title__icontains=t)
    return q if scope != "rest" else Q(pk__in=[])
