"""Bulk writes for the generator: PostgreSQL COPY for the big tables, executemany on SQLite.

Rows are tuples in the order of the field names given; values are what the model fields hold
(datetimes aware, UUIDs, dates). On SQLite each value goes through the field's own
`get_db_prep_save`, so the stored text is exactly what the ORM would have stored. A NOT NULL
column the caller does not name gets its field's constant default, as the ORM would give it,
so a field added to a model later does not break the generator.
"""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def write(model: type[Model], field_names: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` into the model's table; returns how many were written."""
    fields = [model._meta.get_field(name) for name in field_names]
    named = {f.column for f in fields}
    defaults = [
        (f, f.get_default())
        for f in model._meta.concrete_fields
        if f.column not in named
        and not f.primary_key
        and not f.null
        and not (f.has_default() and callable(f.default))
        and f.get_default() is not None
    ]
    fields += [f for f, _default in defaults]
    constant = tuple(default for _f, default in defaults)
    rows = (tuple(row) + constant for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        batch: list[list] = []
        for row in rows:
            batch.append(
                [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
            )
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def reserve_ids(model: type[Model], n: int) -> list[int]:
    """Take `n` ids from the table's own sequence, for rows that others must point at."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, n],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite, one writer: the ids after the largest (AUTOINCREMENT follows explicit ids).
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) "
            f"FROM {connection.ops.quote_name(table)}"
        )
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL); SQLite has nothing to do."""
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
