"""Demo supervisions: put two open demo matters under supervision through the services,
so the board, the matter card and the timeline have something to show.

Call after the demo matters exist (liaison.matters.demo.build_demo_matters):
`supervise_demo_matters(organization)`. Idempotent: matters already supervised are
skipped, and nothing happens without a supervision office or open led matters.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from liaison.matters.models import OPEN_STATES, Matter, State
from liaison.org.models import Organization, Person, Position
from liaison.org.roles import default_responsible

from . import policy, services
from .models import Supervision


def _supervisor(organization: Organization) -> Person | None:
    department = organization.supervision_department
    if department is None:
        return None
    preferred = Person.objects.filter(organization=organization, user__username="duchaban").first()
    if preferred is not None and policy.may_supervise(preferred):
        return preferred
    position = (
        Position.objects.current()
        .filter(department=department, person__is_active=True)
        .select_related("person")
        .first()
    )
    return position.person if position is not None else None


@transaction.atomic
def supervise_demo_matters(organization: Organization, count: int = 2) -> list[Supervision]:
    """The first supervision has a week and one urge; the second is due tomorrow and has a
    rectification reply waiting for review."""
    supervisor = _supervisor(organization)
    if supervisor is None:
        return []
    matters = list(
        Matter.objects.filter(
            organization=organization,
            state=State.ACCEPTED,
            lead_department__isnull=False,
        )
        .exclude(supervisions__isnull=False)
        .order_by("-created_at", "-pk")[:count]
    )
    today = timezone.localdate()
    made = []
    for index, matter in enumerate(matters):
        if matter.state not in OPEN_STATES:
            continue
        deadline = today + datetime.timedelta(days=7 if index == 0 else 1)
        supervision = services.supervise(
            matter,
            supervisor,
            deadline=deadline,
            reason="患者反映问题多次未解决，列入督办，限期整改并书面回复。",
        )
        if index == 0:
            services.urge(matter, supervisor, "请抓紧落实，按期回复整改情况。")
        else:
            services.submit_rectification(
                matter,
                default_responsible(matter.lead_department),
                measures="已召开科务会分析原因，调整排班并完善交接流程。",
                evidence="科务会会议记录、调整后的排班表。",
                completion_date=today,
            )
        made.append(supervision)
    return made
