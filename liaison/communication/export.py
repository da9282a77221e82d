"""A project's stakeholder register and communication plan as a spreadsheet (XLSX): one
sheet each, headed by the project, for printing or handing to the stakeholders."""

import datetime
import io

from django.utils.translation import gettext as _

from liaison.core import spreadsheets
from liaison.core.plain import listing

from . import selectors, services
from .models import Project


def workbook(project: Project) -> bytes:
    output = io.BytesIO()
    book = spreadsheets.workbook(output, {"in_memory": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    moment = book.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd hh:mm"})

    def sheet(name: str, headers: list[tuple[str, int]], rows: list[list]):
        ws = book.add_worksheet(name)
        spreadsheets.write_cell(ws, 0, 0, project.name, title)
        spreadsheets.write_cell(
            ws,
            1,
            0,
            _("Owner department: %(department)s · Manager: %(manager)s")
            % {"department": project.owner_department.name, "manager": project.manager.name},
        )
        for column, (label, width) in enumerate(headers):
            ws.set_column(column, column, width)
            spreadsheets.write_cell(ws, 3, column, label, head)
        for number, values in enumerate(rows, start=4):
            for column, value in enumerate(values):
                style = moment if isinstance(value, datetime.datetime) else cell
                spreadsheets.write_cell(ws, number, column, value, style)
        ws.freeze_panes(4, 0)

    register = selectors.register_of(project)
    sheet(
        _("Stakeholder register"),
        [
            (_("Stakeholder"), 24),
            (_("Kind"), 10),
            (_("Role in the project"), 18),
            (_("Layer"), 18),
            (_("Influence"), 10),
            (_("Interest"), 10),
            (_("Information needs"), 40),
            (_("Preferred channel"), 14),
            (_("Contact"), 18),
        ],
        [
            [
                str(s),
                {"person": _("Person"), "department": _("Department")}.get(
                    s.kind, _("External party")
                ),
                s.role,
                s.get_layer_display(),
                s.get_influence_display(),
                s.get_interest_display() if s.interest else "",
                s.information_needs,
                s.get_preferred_channel_display() if s.preferred_channel else "",
                s.external_contact
                or (s.person.phone if s.person_id else "")
                or (s.department.phone if s.department_id else ""),
            ]
            for _layer, _label, stakeholders in register.layers
            for s in stakeholders
        ],
    )
    sheet(
        _("Communication plan"),
        [
            (_("Information"), 24),
            (_("Content and form"), 36),
            (_("To whom"), 30),
            (_("How often"), 30),
            (_("Channel"), 14),
            (_("By whom"), 12),
            (_("Next due"), 18),
            (_("In use"), 8),
        ],
        [
            [
                row.information,
                row.content,
                listing(row.stakeholders.all()),
                services.describe(row),
                row.get_channel_display(),
                row.owner.name,
                row.next_due_at,
                _("Yes") if row.is_active else _("No"),
            ]
            for row in selectors.rows_of(project)
        ],
    )
    book.close()
    return output.getvalue()
