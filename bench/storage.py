"""Fast, raw writes for the generator: rows in bulk, index definitions, Django's time format.

The ORM would take an hour for five million rows; these go through the DB-API cursor
(`executemany` on SQLite, `COPY` on PostgreSQL) with names from the models' metadata and every
value as a parameter.
"""

from collections.abc import Iterable, Sequence

import numpy as np


def datetime_text(us: np.ndarray, suffix: str = "") -> list[str]:
    """UTC times as Django writes them: 'YYYY-MM-DD HH:MM:SS.ffffff', no fraction when 0."""
    text = np.datetime_as_string(us.astype("datetime64[us]"), unit="us").tolist()
    text = [t.replace("T", " ", 1) + suffix for t in text]
    for i in np.flatnonzero(us % 1_000_000 == 0).tolist():
        text[i] = text[i][:19] + suffix
    return text


def rows_insert(cursor, vendor: str, table: str, columns: Sequence[str], rows: Iterable[tuple]):
    quoted = ", ".join(f'"{c}"' for c in columns)
    if vendor == "postgresql":
        with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        # Names come from the models' metadata, values go through placeholders.
        sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'  # noqa: S608
        cursor.executemany(sql, rows)


def secondary_indexes(cursor, vendor: str, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX sql) of the table's plain indexes, as the database reports them."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique "
            "ORDER BY i.relname",
            [table],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            [table],
        )
    return list(cursor.fetchall())


def columns_of(model, names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]
