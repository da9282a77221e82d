"""Writing many rows at once, for the sweep and for notices to many people.

Django's bulk_create and bulk_update are right for hundreds of rows; for the sweep's tens
of thousands, most of their time goes into preparing each value through its field and,
with Django's client-side binding on PostgreSQL, into quoting the arrays as text. Here
PostgreSQL gets one statement with one array per column, sent in binary (the %b placeholders) over a
server-side binding cursor on the same connection (so in the same transaction), and the
values are taken from the instances as they are: callers pass instances their own code
built, not user input in need of conversion. SQLite, where a statement costs little,
uses Django's own methods."""

import enum
from collections.abc import Callable, Sequence
from operator import attrgetter

import psycopg
from django.db import connection, models

_PREPARED = (models.JSONField,)


def _columns(model: type[models.Model], names: Sequence[str] | None) -> list[models.Field]:
    if names is None:
        return [f for f in model._meta.local_concrete_fields if not f.primary_key]
    return [model._meta.get_field(name) for name in names]


def _array_type(field: models.Field) -> str:
    # Without the length: a cast to varchar(n)[] would cut long values short silently,
    # where the column itself refuses them.
    return field.db_type(connection).split("(")[0] + "[]"


def _reader(field: models.Field, adding: bool) -> Callable[[models.Model], object]:
    """How to read the field's value off an instance, chosen once per column."""
    if adding and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return lambda obj: field.pre_save(obj, adding)
    if isinstance(field, _PREPARED):
        return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)
    read = attrgetter(field.attname)
    if field.choices:
        return lambda obj: _db_value(read(obj))
    return read


def _db_value(value):
    # A choice as the value its column stores.
    return value.value if isinstance(value, enum.Enum) else value


def _column(field: models.Field, objs: Sequence[models.Model], adding: bool) -> list:
    return list(map(_reader(field, adding), objs))


def _execute(sql: str, params: list) -> list[tuple]:
    connection.ensure_connection()
    # Django's errors (IntegrityError, DataError) as from any other query.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def insert(objs: Sequence[models.Model]) -> None:
    """Insert new instances of one model and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    fields = _columns(model, None)
    quote = connection.ops.quote_name
    columns = [_column(field, objs, True) for field in fields]
    sql = "INSERT INTO {} ({}) SELECT * FROM unnest({}) RETURNING {}".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(f"%b::{_array_type(f)}" for f in fields),
        quote(model._meta.pk.column),
    )
    # PostgreSQL returns the rows of an INSERT … SELECT in the order they were selected,
    # which is the arrays' order (Django's bulk_create relies on it too).
    for obj, (pk,) in zip(objs, _execute(sql, columns), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def update(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """Write these fields of existing instances of one model, in one statement. As with
    bulk_update, the values are the instances' own: auto_now fields are not touched."""
    if not objs:
        return
    model = type(objs[0])
    fields = _columns(model, names)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    if connection.vendor != "postgresql":
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            table, ", ".join(f"{quote(f.column)} = %s" for f in fields), pk
        )
        rows = [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return
    sql = "UPDATE {} AS t SET {} FROM unnest(%b::bigint[], {}) AS v(pk, {}) WHERE t.{} = v.pk"
    sql = sql.format(
        table,
        ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(fields)),
        ", ".join(f"%b::{_array_type(f)}" for f in fields),
        ", ".join(f"c{i}" for i in range(len(fields))),
        pk,
    )
    params = [[obj.pk for obj in objs]] + [_column(field, objs, False) for field in fields]
    _execute(sql, params)
