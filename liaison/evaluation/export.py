"""The scorecard as an XLSX ledger (考核台账), in the layout of the matters' ledger
(liaison.matters.ledger): a title, the period and who computed it, one header row, one row
per department ranked within its kind, then a sheet of the indicators' definitions,
targets and weights as published with the results.

Headers, labels and indicator names are data of the Chinese ledger format, so they stay
Chinese whatever the interface language (the names are those stored with the scorecard).
"""

from typing import BinaryIO

from django.utils import timezone

from liaison.core import spreadsheets
from liaison.org.models import DepartmentKind

from . import cards
from .models import Scorecard, ScorecardLine, ScorecardState, Standing, Unranked

KIND_ZH = {
    DepartmentKind.CLINICAL: "临床科室",
    DepartmentKind.MEDICAL_TECHNICAL: "医技科室",
    DepartmentKind.FUNCTIONAL: "职能科室",
    DepartmentKind.LOGISTICS: "后勤科室",
    DepartmentKind.PARTY_UNION: "党群部门",
}
STATE_ZH = {
    ScorecardState.DRAFT: "草稿",
    ScorecardState.PROVISIONAL: "初步结果",
    ScorecardState.APPEAL: "申诉期",
    ScorecardState.REVIEWED: "已复核",
    ScorecardState.FINAL: "最终结果",
    ScorecardState.PUBLISHED: "已公布",
}
STANDING_ZH = {Standing.RED: "红榜", Standing.BLACK: "黑榜"}
UNRANKED_ZH = {Unranked.SAMPLE: "样本不足", Unranked.NO_SCORE: "无得分"}
LEADING = [("序号", 6), ("科室类别", 10), ("排名", 6), ("科室", 16), ("得分", 8), ("样本数", 8)]
TRAILING = [("未达标指标", 24), ("红黑榜", 8), ("备注", 12)]


def _names(scorecard: Scorecard) -> list[tuple[str, str, str]]:
    """(code, Chinese name, measure) of the scorecard's indicators, in catalogue order."""
    return [
        (c.code, scorecard.definitions[c.code]["name"], c.measure) for c in cards.columns(scorecard)
    ]


def write_scorecard(scorecard: Scorecard, lines: list[ScorecardLine], file_obj: BinaryIO) -> int:
    """Write the lines (those the reader may see) to `file_obj`; returns the rows written."""
    workbook = spreadsheets.workbook(file_obj)
    sheet = workbook.add_worksheet("考核台账")
    title = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
    header = workbook.add_format(
        {
            "bold": True,
            "bg_color": "#E8EEF7",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    top = workbook.add_format({"valign": "top"})
    percent = workbook.add_format({"num_format": "0.0%", "valign": "top"})
    failed = workbook.add_format({"font_color": "#C62828", "bold": True, "valign": "top"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    names = _names(scorecard)
    headers = [*LEADING]
    for _code, name, measure in names:
        headers.append((name, 10))
        if measure == "rate":
            headers.append((f"{name}（分子/分母）", 12))
    headers.extend(TRAILING)
    for col, (_text, width) in enumerate(headers):
        sheet.set_column(col, col, width)

    sheet.merge_range(
        0, 0, 0, len(headers) - 1, f"科室沟通协调考核台账（{scorecard.period}）", title
    )
    computed_by = scorecard.computed_by.name if scorecard.computed_by else "系统按需计算"
    meta = [
        "统计区间", scorecard.start, "至", scorecard.end,
        "计算时间", scorecard.computed_at, "计算人", computed_by,
        "状态", STATE_ZH.get(scorecard.state, scorecard.state),
        "最小样本", scorecard.minimum_sample,
    ]  # fmt: skip
    for col, value in enumerate(meta):
        spreadsheets.write_cell(sheet, 1, col, value, moment if col in (1, 3, 5) else None)
    for col, (text, _width) in enumerate(headers):
        spreadsheets.write_cell(sheet, 2, col, text, header)
    sheet.freeze_panes(3, 4)

    row = 2
    for number, line in enumerate(lines, start=1):
        row += 1
        cells = [
            (number, top),
            (KIND_ZH.get(line.kind, line.kind), top),
            (line.rank, top),
            (line.department.name, top),
            (line.score, top),
            (line.units, top),
        ]
        missed = []
        for code, name, measure in names:
            values = line.values.get(code, {})
            value = values.get("value")
            met = values.get("met")
            if met is False:
                missed.append(name)
            style = failed if met is False else (percent if measure == "rate" else top)
            cells.append((value, style if value is not None else top))
            if measure == "rate":
                cells.append((f"{values.get('numerator', 0)}/{values.get('denominator', 0)}", top))
        cells += [
            ("、".join(missed), top),
            (STANDING_ZH.get(line.standing, ""), top),
            (UNRANKED_ZH.get(line.reason, ""), top),
        ]
        for col, (value, style) in enumerate(cells):
            spreadsheets.write_cell(sheet, row, col, value, style)
    if row > 2:
        sheet.autofilter(2, 0, row, len(headers) - 1)
    _definitions(workbook, scorecard, header, top)
    workbook.close()
    return row - 2


def _definitions(workbook, scorecard: Scorecard, header, top) -> None:
    """指标口径: each indicator's definition, target and weight per kind, as used."""
    sheet = workbook.add_worksheet("指标口径")
    kinds = [kind for kind in DepartmentKind.values if kind in scorecard.weights]
    headers = [("指标", 16), ("口径", 60), ("方向", 8), ("目标值", 10)]
    headers += [(f"权重（{KIND_ZH.get(kind, kind)}）", 10) for kind in kinds]
    for col, (text, width) in enumerate(headers):
        sheet.set_column(col, col, width)
        spreadsheets.write_cell(sheet, 0, col, text, header)
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for row, column in enumerate(cards.columns(scorecard), start=1):
        published = scorecard.definitions[column.code]
        cells = [
            (published["name"], top),
            (published["definition"], wrap),
            ("越高越好" if column.direction == "higher" else "越低越好", top),
            (cards.shown(column.target, column.measure) if column.target is not None else "", top),
            *((scorecard.weights[kind].get(column.code), top) for kind in kinds),
        ]
        for col, (value, style) in enumerate(cells):
            spreadsheets.write_cell(sheet, row, col, value, style)
    spreadsheets.write_cell(
        sheet, len(scorecard.definitions) + 2, 0, f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    )
