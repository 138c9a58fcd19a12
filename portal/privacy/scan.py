"""The check after an erasure: every text column of every table, searched for what identified
the person.

Not only the tables the registry knows: the point is to find what it missed (a copy of a name
in a JSON field, a log label, a file waiting in a binary column, a search index). On
PostgreSQL the columns come from `information_schema` (text, varchar, JSON, binary and search
vectors, the last matched as words under both the simple and the English configuration); on
SQLite from each table's `PRAGMA table_info`.

Names, emails and employee ids are looked for anywhere in a value, ignoring case. Usernames are
often ordinary words (the demo's "manager"), so they count only as a whole value (or a whole
JSON string), and not inside files or search vectors; so does anything shorter than four
characters.
"""

from dataclasses import dataclass

from django.db import connection

SUBSTRING_KINDS = ("name", "email", "id")
SHORTEST_SUBSTRING = 4
# Columns that hold the schema's own names (a field called "manager", a model called "staff"),
# never anyone's data: a username that is an ordinary word would match them forever.
SCHEMA_NAMES = frozenset(
    {
        ("django_migrations", "app"),
        ("django_migrations", "name"),
        ("django_content_type", "app_label"),
        ("django_content_type", "model"),
        ("auth_permission", "codename"),
        ("wagtailcore_referenceindex", "model_path"),
        ("wagtailcore_referenceindex", "content_path"),
    }
)

PG_COLUMNS = """
SELECT c.table_name, c.column_name, c.data_type
FROM information_schema.columns c
JOIN information_schema.tables t
  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
  AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'tsvector',
                      'bytea')
ORDER BY c.table_name, c.ordinal_position
"""
SQLITE_TEXT_TYPES = ("char", "text", "clob", "json", "blob", "")


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    rows: int

    def as_dict(self) -> dict:
        return {"table": self.table, "column": self.column, "rows": self.rows}


@dataclass(frozen=True)
class Needles:
    anywhere: tuple[str, ...]  # lower-case, found inside a value
    whole: tuple[str, ...]  # lower-case, the whole value

    @classmethod
    def of(cls, identifiers: dict[str, list[str]]) -> "Needles":
        anywhere, whole = set(), set()
        for kind, values in identifiers.items():
            for value in values:
                value = value.strip().lower()
                if not value:
                    continue
                if kind in SUBSTRING_KINDS and len(value) >= SHORTEST_SUBSTRING:
                    anywhere.add(value)
                else:
                    whole.add(value)
        return cls(tuple(sorted(anywhere)), tuple(sorted(whole)))


def identifiers_find(*, identifiers: dict[str, list[str]]) -> list[Hit]:
    """Every (table, column) holding any of `identifiers` (kind -> values), with how many rows."""
    needles = Needles.of(identifiers)
    if not needles.anywhere and not needles.whole:
        return []
    columns = _pg_columns() if connection.vendor == "postgresql" else _sqlite_columns()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in columns:
        if (table, column) not in SCHEMA_NAMES:
            tables.setdefault(table, []).append((column, kind))
    hits = []
    for table, cols in tables.items():
        conditions, params = [], []
        for column, kind in cols:
            sql, values = _condition(
                connection.vendor, connection.ops.quote_name(column), kind, needles
            )
            conditions.append(sql)
            params += values
        counts = ", ".join(f"COUNT(*) FILTER (WHERE {c})" for c in conditions)
        if connection.vendor != "postgresql":
            counts = ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in conditions)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {counts} FROM {connection.ops.quote_name(table)}",  # noqa: S608
                params,
            )
            row = cursor.fetchone()
        hits += [Hit(table, column, int(n)) for (column, _), n in zip(cols, row, strict=True) if n]
    return hits


def _pg_columns() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(PG_COLUMNS)
        return cursor.fetchall()


def _sqlite_columns() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        found = []
        for table in tables:
            cursor.execute(f"PRAGMA table_info({connection.ops.quote_name(table)})")
            for _, column, declared, *_ in cursor.fetchall():
                declared = (declared or "").lower()
                if declared == "" or any(t and t in declared for t in SQLITE_TEXT_TYPES):
                    found.append((table, column, declared))
        return found


def _condition(vendor: str, column: str, kind: str, needles: Needles) -> tuple[str, list]:
    """SQL that is true when `column` holds a needle, and its parameters."""
    parts, params = [], []
    if vendor == "postgresql":
        if kind == "tsvector":
            for needle in needles.anywhere:
                parts.append(
                    f"({column} @@ phraseto_tsquery('simple', %s)"
                    f" OR {column} @@ phraseto_tsquery('english', %s))"
                )
                params += [needle, needle]
        elif kind == "bytea":
            text = f"lower(encode({column}, 'escape'))"
            for needle in needles.anywhere:
                parts.append(f"strpos({text}, encode(convert_to(%s, 'UTF8'), 'escape')) > 0")
                params.append(needle)
        else:
            text = f"lower({column}::text)"
            parts += [f"strpos({text}, %s) > 0" for _ in needles.anywhere]
            params += list(needles.anywhere)
            for needle in needles.whole:
                if kind in ("json", "jsonb"):
                    parts.append(f"strpos({text}, %s) > 0")
                    params.append(f'"{needle}"')
                else:
                    parts.append(f"{text} = %s")
                    params.append(needle)
    else:
        text = f"lower(CAST({column} AS TEXT))"
        parts += [f"instr({text}, %s) > 0" for _ in needles.anywhere]
        params += list(needles.anywhere)
        for needle in needles.whole:
            parts.append(f"({text} = %s OR instr({text}, %s) > 0)")
            params += [needle, f'"{needle}"']
    return "(" + (" OR ".join(parts) or "FALSE") + ")", params
