"""Chinese substring search over the bigram index, on SQLite and PostgreSQL alike."""

import re

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.matters import search, selectors, services
from liaison.matters.models import Matter, State
from liaison.matters.services import MatterInput

from .factories import MatterFactory, build_hospital, seeded_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def h():
    return build_hospital()


def found(h, query: str) -> set[str]:
    everything = selectors.visible_matters(h.p["office"])
    return {m.title for m in selectors.search(everything, query)}


def raised(h, title, description="", **kwargs):
    return MatterFactory(
        originator=h.p["yjk_liaison"], by=h, title=title, description=description, **kwargs
    )


def test_bigrams_stay_inside_runs_of_letters_and_digits():
    assert search.bigrams("护士站电脑") == ["护士", "士站", "站电", "电脑"]
    assert search.bigrams("HIS系统, 无法登录") == [
        "hi",
        "is",
        "s系",
        "系统",
        "无法",
        "法登",
        "登录",
    ]
    assert search.bigrams("Ａ 楼") == ["a", "楼"]  # full-width letters are folded
    assert search.bigrams("") == []


def test_any_substring_of_title_or_description_is_found(h):
    raised(h, "护士站电脑无法登录HIS", "两台电脑提示连接超时")
    raised(h, "药房冷库温度报警", "夜间报警三次")
    assert found(h, "电脑") == {"护士站电脑无法登录HIS"}
    assert found(h, "站电脑无法") == {"护士站电脑无法登录HIS"}
    assert found(h, "连接超时") == {"护士站电脑无法登录HIS"}  # in the description
    assert found(h, "his") == {"护士站电脑无法登录HIS"}  # any case
    assert found(h, "报警") == {"药房冷库温度报警"}
    assert found(h, "冷库 夜间") == {"药房冷库温度报警"}  # every word must match
    assert found(h, "冷库 电脑") == set()
    assert found(h, "库") == {"药房冷库温度报警"}  # one character: scanned, still found
    assert found(h, "电脑登录") == set()  # both bigrams are there, the substring is not


def test_a_number_or_part_of_it_finds_the_matter(h):
    matter = raised(h, "药房冷库温度报警")
    raised(h, "门诊叫号屏黑屏")
    assert found(h, matter.number) == {"药房冷库温度报警"}
    assert found(h, matter.number.lower()) == {"药房冷库温度报警"}
    assert found(h, matter.number[-6:]) == {"药房冷库温度报警"}


def test_search_follows_visibility(h):
    raised(h, "药房冷库温度报警", state=State.ACCEPTED)
    outsider = selectors.visible_matters(h.p["outsider"])
    assert list(selectors.search(outsider, "冷库")) == []


def test_an_edited_draft_is_found_by_its_new_words_only(h):
    draft = services.create_matter(
        h.p["yjk_liaison"], MatterInput(title="药房冷库温度报警", kind=seeded_kind(h.organization))
    )
    services.edit_draft(
        draft,
        h.p["yjk_liaison"],
        MatterInput(
            title="门诊叫号屏黑屏",
            kind=draft.kind,
            originator_department=draft.originator_department,
        ),
    )
    mine = selectors.visible_matters(h.p["yjk_liaison"])
    assert list(selectors.search(mine, "叫号")) == [draft]
    assert list(selectors.search(mine, "冷库")) == []


def test_the_rebuild_command_restores_the_index(h, capsys):
    raised(h, "药房冷库温度报警")
    call_command("rebuild_search_index")
    call_command("rebuild_search_index")  # twice: nothing is indexed twice
    assert found(h, "冷库") == {"药房冷库温度报警"}
    first, second = capsys.readouterr().out.splitlines()
    assert first == second and re.findall(r"\d+", first) == ["1"]  # one matter, any language


CHINESE = st.text(alphabet="电脑护士站药房冷库温度报警门诊叫号屏黑 ,HIS", min_size=1, max_size=12)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=CHINESE, start=st.integers(0, 11), length=st.integers(1, 6))
def test_the_index_finds_exactly_what_a_substring_scan_finds(h, text, start, length):
    """The index is only a faster way to the same answer as LIKE '%…%'."""
    matter = raised(h, "事项", text)
    query = text[start : start + length]
    expected = all(word.lower() in text.lower() for word in query.split())
    assert (matter in selectors.search(Matter.objects.filter(pk=matter.pk), query)) == expected


def test_bigrams_kept_on_the_matters_table_move_to_their_own(h):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL kept the bigrams on the matters table")
    kept = raised(h, "门诊大厅自助机故障")
    with connection.schema_editor() as editor:
        # The test's own rows are checked now: PostgreSQL alters no table with checks pending.
        editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The layout before the move: a column of bigrams, no table.
        editor.execute(f"DROP TABLE {search.TABLE}")
        editor.execute(f"ALTER TABLE matters_matter ADD COLUMN {search.OLD_COLUMN} text[]")
        editor.execute(
            f"UPDATE matters_matter SET {search.OLD_COLUMN} = %s WHERE id = %s",
            [search.indexed_text(kept.title, ""), kept.pk],
        )
        search.move_out_of_matters(editor)
        search.move_out_of_matters(editor)  # a database already moved is left alone
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "matters_matter")
    assert search.OLD_COLUMN not in {column.name for column in columns}
    assert found(h, "自助机") == {"门诊大厅自助机故障"}
    assert found(h, "大厅") == {"门诊大厅自助机故障"}
