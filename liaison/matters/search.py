"""Finding matters by any Chinese substring of their title or description, fast.

Chinese has no spaces between words, so a word index would miss most substrings, and a
LIKE '%…%' scan reads every matter. Instead every title and description is indexed by
its bigrams (each pair of neighbouring characters, in runs of letters and digits): a
two-character query is one index lookup, a longer one is the matters holding all of its
bigrams, checked with LIKE. Queries of one character, and parts of matter numbers, fall
back to scanning.

The index lives beside the matters, in a table of its own (not known to the models): on
SQLite an FTS5 table (contentless, bigrams as tokens); on PostgreSQL a GIN-indexed array
of bigrams per matter, so that the planner can either look a rare bigram up in the index
or walk the list in order and test each matter's own array for a common one, from the
array's statistics. Not a column of the matters table: every change of a matter's state
or deadline would then write all of its bigrams into the GIN index again. It is written
only here: when a matter is created and when its draft is edited (the only moments its
title or description change), and rebuilt by `liaison rebuild-search-index`.

The top search also finds a title by its pinyin or initials (`by_pinyin`: zzj → 自助机):
those are short columns of the matter itself, written by Matter.save with the title.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

TABLE = "matters_search"

#: Runs of letters and digits: bigrams never span punctuation or spaces.
RUN = re.compile(r"[^\W_]+")

#: A word that looks like (part of) a matter number: searched in numbers, not text.
NUMBER_LIKE = re.compile(r"^[A-Za-z]{0,6}-?[0-9][0-9-]*$")


def _normal(text: str) -> str:
    # Full-width letters and digits (ＨＩＳ, １２３) match their plain forms.
    return unicodedata.normalize("NFKC", text or "").lower()


def bigrams(text: str) -> list[str]:
    """The distinct bigrams of a text, in order of first appearance; a run of one
    character is its own token."""
    seen: dict[str, None] = {}
    for run in RUN.findall(_normal(text)):
        if len(run) == 1:
            seen.setdefault(run, None)
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
    return list(seen)


def indexed_text(title: str, description: str) -> list[str]:
    return bigrams(f"{title}\n{description}")


# Writing the index.


def create_index(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(grams, content='', detail=none, "
            "tokenize='unicode61 remove_diacritics 0')"
        )
    else:
        # No foreign key: matters are never deleted, and one would stop the test
        # database's TRUNCATE of the matters table, which knows nothing of this one.
        schema_editor.execute(
            f"CREATE TABLE {TABLE} (matter_id bigint PRIMARY KEY, grams text[] NOT NULL)"
        )
        schema_editor.execute(f"CREATE INDEX {TABLE}_grams ON {TABLE} USING gin (grams)")


def drop_index(schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


#: Where PostgreSQL kept the bigrams before they had a table of their own.
OLD_COLUMN = "search_grams"


def move_out_of_matters(schema_editor) -> None:
    """Move PostgreSQL's bigrams from their old column on the matters table (databases
    migrated before the move) to the index's own table."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        columns = schema_editor.connection.introspection.get_table_description(
            cursor, "matters_matter"
        )
    if OLD_COLUMN not in {column.name for column in columns}:
        return
    create_index(schema_editor)
    schema_editor.execute(
        f"INSERT INTO {TABLE} (matter_id, grams) SELECT id, {OLD_COLUMN} FROM matters_matter"
        f" WHERE {OLD_COLUMN} IS NOT NULL"
    )
    schema_editor.execute(f"ALTER TABLE matters_matter DROP COLUMN {OLD_COLUMN}")


def _sqlite_tokens(grams: Iterable[str]) -> str:
    return " ".join(grams)


def index_many(rows: Iterable[tuple[int, str, str]]) -> None:
    """Add matters to the index: (id, title, description) each."""
    values = [(pk, indexed_text(title, description)) for pk, title, description in rows]
    if not values:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, grams) VALUES (%s, %s)",
                [(pk, _sqlite_tokens(grams)) for pk, grams in values],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE} (matter_id, grams) VALUES (%s, %s)"
                " ON CONFLICT (matter_id) DO UPDATE SET grams = EXCLUDED.grams",
                values,
            )


def reindex(matter, *, previous: tuple[str, str] | None = None) -> None:
    """Index a matter's title and description; `previous` is what was indexed before
    (a contentless FTS5 table forgets a row only when told its old tokens)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and previous is not None:
            cursor.execute(
                f"INSERT INTO {TABLE} ({TABLE}, rowid, grams) VALUES ('delete', %s, %s)",
                [matter.pk, _sqlite_tokens(indexed_text(*previous))],
            )
    index_many([(matter.pk, matter.title, matter.description)])


def rebuild(matters: QuerySet, batch: int = 5000) -> int:
    """Index every matter anew; returns how many."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")
    count = 0
    last = 0
    while True:
        rows = list(
            matters.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "title", "description")[:batch]
        )
        if not rows:
            return count
        index_many(rows)
        count += len(rows)
        last = rows[-1][0]


# Searching.


def _holding(grams: list[str]) -> Q:
    """Matters whose index holds all these bigrams."""
    if connection.vendor == "sqlite":
        expression = " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)
        hits = RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression])
    else:
        hits = RawSQL(f"SELECT matter_id FROM {TABLE} WHERE grams @> %s::text[]", [grams])
    return Q(pk__in=hits)


def _word_q(word: str) -> Q:
    text = Q(title__icontains=word) | Q(description__icontains=word)
    if NUMBER_LIKE.match(word):
        return Q(number__icontains=word) | text
    runs = RUN.findall(_normal(word))
    grams = bigrams(word)
    if not runs or any(len(run) < 2 for run in runs):
        return text  # a single character: no bigram to look up
    condition = _holding(grams)
    if len(runs) == 1 and len(runs[0]) == 2 and runs[0] == _normal(word):
        return condition  # the bigram itself is the substring: nothing to check
    return condition & text


def by_pinyin(matters: QuerySet, query: str) -> QuerySet:
    """Matters whose title's initials or full pinyin contain the query (zzj or zizhuji
    finds 门诊自助机…; spaces and case do not count); none unless it is two letters or more.
    The keys are columns of the matter (Matter.save writes them): every matter is looked
    at, in the database; no index helps a substring, and the scan stops at the first hits
    in the order asked for."""
    latin = query.replace(" ", "").lower()
    if not (latin.isascii() and latin.isalpha() and len(latin) >= 2):
        return matters.none()
    return matters.filter(Q(title_initials__contains=latin) | Q(title_pinyin__contains=latin))


def search(matters: QuerySet, query: str) -> QuerySet:
    """Matters whose number, title or description contain every word of the query."""
    for word in query.split():
        matters = matters.filter(_word_q(word))
    return matters
