"""Projects, stakeholders and plan rows are made through the services (never by saving
rows), so they have their events and their next due moments."""

import datetime

from liaison.communication import services


def make_project(h, by=None, **kwargs):
    data = {
        "name": "HIS升级改造项目",
        "owner_department": h.d["XXK"],
        "manager": h.p["xxk_head"],
        "description": "门诊、住院、电子病历系统整体升级。",
        **kwargs,
    }
    return services.create_project(by or h.p["xxk_head"], services.ProjectInput(**data))


def make_stakeholder(project, by, *, layer="management", influence="high", **kwargs):
    return services.add_stakeholder(
        project, by, services.StakeholderInput(layer=layer, influence=influence, **kwargs)
    )


def make_row(project, by, *, to, owner, **kwargs):
    data = {
        "information": "项目周报",
        "rule": "FREQ=WEEKLY;BYDAY=FR",
        "start_date": datetime.date(2026, 3, 6),
        "channel": "email",
        "due_time": datetime.time(9, 0),
        **kwargs,
    }
    return services.add_row(
        project, by, services.RowInput(stakeholders=tuple(to), owner=owner, **data)
    )
