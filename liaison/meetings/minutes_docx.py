"""Approved (or draft) minutes as a Word document in the Chinese official layout
(党政机关公文格式, GB/T 9704 in spirit): the title centred in 方正小标宋简体 二号, the body in
仿宋_GB2312 三号, then the meeting's time, place, chair, recorder, who attended and who was
absent, the summary, and the decisions numbered, each with its owner and deadline.

Word picks a run's Chinese font from w:eastAsia, which python-docx's `font.name` does not
set, so every run gets both. Dates are written as the print view writes them (the
language's DATE_FORMAT: 2026年12月5日), and its stylesheet names the same fonts."""

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from liaison.core.plain import listing, with_note
from liaison.org.models import Person

from . import policy, selectors, services
from .models import Meeting, Minutes, Presence

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
#: 二号 and 三号 in points.
TITLE_SIZE = Pt(22)
BODY_SIZE = Pt(16)


def _run(paragraph, text: str, font: str = BODY_FONT, size=BODY_SIZE, bold=False):
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = size
    run.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    return run


def _line(document, text: str, *, label: str = "", indent: bool = False):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.line_spacing = Pt(28)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters
    if label:
        _run(paragraph, label, HEADING_FONT)
    _run(paragraph, text)
    return paragraph


def render(meeting: Meeting, minutes: Minutes, reader: Person | None) -> bytes:
    """The minutes as `reader` may see them: the numbers of the decisions' matters, and a
    matter's number and title in the meeting's title, only when they may see the matter."""
    headline = selectors.shown(meeting, reader).headline
    decisions = list(minutes.decisions.select_related("owner_department", "responsible", "matter"))
    visible = policy.visible_matter_ids(reader, [d.matter_id for d in decisions])
    document = Document()
    # What is typed into the document later is in the body font too.
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    section = document.sections[0]
    # A4 with the official margins (top 3.7 cm, bottom 3.5, left 2.8, right 2.6).
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, _("Minutes of %(meeting)s") % {"meeting": headline}, TITLE_FONT, TITLE_SIZE)
    document.add_paragraph()

    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end)
    attended, absent = [], []
    for person, record in selectors.attendance_of(meeting):
        if record is None:
            continue  # not recorded: neither here nor absent
        if record.presence == Presence.PRESENT:
            attended.append(person.name)
        elif record.presence == Presence.SUBSTITUTED:
            attended.append(
                _("%(substitute)s (for %(person)s)")
                % {"substitute": record.substitute.name, "person": person.name}
            )
        else:
            absent.append(with_note(person.name, record.reason))
    chair = meeting.chair_person
    facts = [
        (_("Time: "), f"{date_format(start, 'SHORT_DATETIME_FORMAT')}–{end:%H:%M}"),
        (_("Place: "), services.place_of(meeting.room, meeting.online_link)),
        (_("Chair: "), chair.name if chair else "—"),
        (_("Recorder: "), minutes.recorder.name),
        (_("Attended: "), listing(attended) or "—"),
        (_("Absent: "), listing(absent) or "—"),
    ]
    for label, value in facts:
        _line(document, value, label=label)
    document.add_paragraph()
    for paragraph in minutes.summary.splitlines():
        if paragraph.strip():
            _line(document, paragraph.strip(), indent=True)
    if decisions:
        _line(document, "", label=_("Decisions"))
        for number, decision in enumerate(decisions, start=1):
            # The owner on a line of its own, as the print view has it: run on after the
            # title, Chinese would read the two as one phrase.
            _line(document, f"{number}. {decision.title}", indent=True)
            owner = _("Owner: %(department)s, responsible: %(person)s; due %(due)s.") % {
                "department": decision.owner_department.name,
                "person": decision.responsible.name,
                "due": date_format(decision.due, "DATE_FORMAT"),
            }
            if decision.matter_id in visible:
                owner += " " + _("Tracked as %(number)s.") % {"number": decision.matter.number}
            _line(document, owner, indent=True)
    document.add_paragraph()
    closing = document.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if minutes.is_approved:
        _run(
            closing,
            _("Approved by %(person)s, %(date)s")
            % {
                "person": minutes.approved_by.name,
                "date": date_format(timezone.localtime(minutes.approved_at), "DATE_FORMAT"),
            },
        )
    else:
        _run(closing, _("Draft, not yet approved"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
