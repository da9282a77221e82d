"""The ledger (台账): a list of matters as an XLSX workbook in the Chinese ledger format.

Headers and labels are data of that format, so they stay Chinese whatever the interface
language. Rows stream from the database in chunks and straight into the file
(XlsxWriter's constant-memory mode), so there is no row cap and memory stays flat.
"""

import datetime
from typing import BinaryIO

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from liaison.core import spreadsheets

from .models import CoOrganizer, Matter, Rating, Resolution, State, Urgency

HEADERS = [
    ("序号", 6),
    ("编号", 16),
    ("事项", 40),
    ("类别", 14),
    ("紧急程度", 9),
    ("发起科室", 14),
    ("牵头科室", 14),
    ("协办科室", 24),
    ("责任人", 10),
    ("时限", 12),
    ("办理情况", 22),
    ("状态", 8),
    ("创建时间", 17),
    ("办结时间", 17),
]

STATE_ZH = {
    State.DRAFT: "草稿",
    State.SUBMITTED: "待交办",
    State.DISPATCHED: "待签收",
    State.ACCEPTED: "办理中",
    State.REPLIED: "已回复待确认",
    State.ESCALATED: "已上报协调",
    State.CLOSED: "已办结",
    State.ARCHIVED: "已归档",
    State.WITHDRAWN: "已撤回",
}
URGENCY_ZH = {Urgency.NORMAL: "一般", Urgency.URGENT: "紧急", Urgency.EMERGENCY: "特急"}
RATING_ZH = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.UNSATISFIED: "不满意",
}
RESOLUTION_ZH = {Resolution.DONE: "", Resolution.NOT_A_MATTER: "不属协调事项"}

CHUNK = 2000


def progress(matter: Matter) -> str:
    """办理情况: where it stands in words, with the rating once rated."""
    text = STATE_ZH.get(matter.state, matter.state)
    extras = []
    if matter.resolution and RESOLUTION_ZH.get(matter.resolution):
        extras.append(RESOLUTION_ZH[matter.resolution])
    if matter.rating:
        extras.append(RATING_ZH.get(matter.rating, matter.rating))
    if matter.reopen_count:
        extras.append(f"重办{matter.reopen_count}次")
    return f"{text}（{'，'.join(extras)}）" if extras else text


def status(matter: Matter, now: datetime.datetime) -> str:
    """状态: the coarse column a ledger is sorted by."""
    if matter.state == State.DRAFT:
        return "草稿"
    if matter.state == State.WITHDRAWN:
        return "撤回"
    if matter.state in (State.CLOSED, State.ARCHIVED):
        return "办结"
    if matter.paused_at is None and matter.next_deadline is not None and matter.next_deadline < now:
        return "超期"
    return "在办"


def ledger_queryset(matters: QuerySet[Matter]) -> QuerySet[Matter]:
    return (
        matters.select_related(
            "kind", "originator_department", "lead_department", "responsible_person"
        )
        .prefetch_related(
            Prefetch(
                "co_organizers",
                queryset=CoOrganizer.objects.select_related("department").order_by("pk"),
            )
        )
        .order_by("created_at", "pk")
    )


def write_ledger(matters: QuerySet[Matter], file_obj: BinaryIO) -> int:
    """Write the matters (already filtered to what the reader may see) to `file_obj` as
    an XLSX ledger; returns the number of rows written."""
    workbook = spreadsheets.workbook(file_obj, {"constant_memory": True})
    sheet = workbook.add_worksheet("台账")
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E8EEF7", "border": 1, "align": "center", "valign": "vcenter"}
    )
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
    overdue = workbook.add_format({"font_color": "#C62828", "bold": True, "valign": "top"})
    for col, (title, width) in enumerate(HEADERS):
        sheet.set_column(col, col, width)
        spreadsheets.write_cell(sheet, 0, col, title, header)
    sheet.freeze_panes(1, 0)

    now = timezone.now()
    row = 0
    for matter in ledger_queryset(matters).iterator(chunk_size=CHUNK):
        row += 1
        co = "、".join(c.department.name for c in matter.co_organizers.all())
        state = status(matter, now)
        cells = [
            (row, top),
            (matter.number, top),
            (matter.title, wrap),
            (matter.kind.name_zh, top),
            (URGENCY_ZH.get(matter.urgency, matter.urgency), top),
            (matter.originator_department.name, top),
            (matter.lead_department.name if matter.lead_department else "", top),
            (co, wrap),
            (matter.responsible_person.name if matter.responsible_person else "", top),
            (matter.due, day if matter.due else top),
            (progress(matter), top),
            (state, overdue if state == "超期" else top),
            (matter.created_at, moment),
            (matter.closed_at, moment if matter.closed_at else top),
        ]
        for col, (value, style) in enumerate(cells):
            spreadsheets.write_cell(sheet, row, col, value, style)
    if row:
        sheet.autofilter(0, 0, row, len(HEADERS) - 1)
    workbook.close()
    return row
