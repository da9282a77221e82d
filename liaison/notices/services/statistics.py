"""Per-department statistics of a notice: relayed or not, read of total, who has not
read, and the state of each department's reply to a task deployment."""

from dataclasses import dataclass, field

from django.db.models import Count

from liaison.core.plain import listing
from liaison.matters.models import Matter
from liaison.org.models import Department

from ..models import Notice, Receipt, Relay


@dataclass
class DepartmentStats:
    department: Department | None
    total: int = 0
    delivered: int = 0
    read: int = 0
    relay: Relay | None = None
    unread: list = field(default_factory=list)  # (username, name) of those who have not read
    matter: Matter | None = None

    @property
    def unread_names(self) -> str:
        return listing(name for _username, name in self.unread)

    @property
    def relayed(self) -> bool:
        return self.relay is None or self.relay.relayed_at is not None

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


@dataclass
class NoticeStats:
    rows: list[DepartmentStats]
    total: int = 0
    delivered: int = 0
    read: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def statistics(notice: Notice, *, departments: set[int] | None = None) -> NoticeStats:
    """Per department: relayed or not, read of total, who has not read (and the state of
    its reply, for a task deployment). `departments` limits the rows (None: all)."""
    counts = Receipt.objects.filter(notice=notice)
    unread = Receipt.objects.filter(notice=notice, read_at__isnull=True)
    relays = Relay.objects.filter(notice=notice).select_related("relayed_by__user", "matter")
    if departments is not None:
        counts = counts.filter(department_id__in=departments)
        unread = unread.filter(department_id__in=departments)
        relays = relays.filter(department_id__in=departments)
    rows: dict[int | None, DepartmentStats] = {}
    for row in counts.values("department_id").annotate(
        total=Count("pk"), delivered=Count("delivered_at"), read=Count("read_at")
    ):
        rows[row["department_id"]] = DepartmentStats(
            department=None, total=row["total"], delivered=row["delivered"], read=row["read"]
        )
    for relay in relays:
        stats = rows.setdefault(relay.department_id, DepartmentStats(department=None))
        stats.relay = relay
        stats.matter = relay.matter
    for department_id, username, name in unread.order_by(
        "person__name_pinyin", "person_id"
    ).values_list("department_id", "person__user__username", "person__name"):
        rows[department_id].unread.append((username, name))
    names = Department.objects.in_bulk([pk for pk in rows if pk is not None])
    for department_id, stats in rows.items():
        stats.department = names.get(department_id)
    ordered = sorted(
        rows.values(),
        key=lambda s: (
            s.department is None,
            s.department.sort_order if s.department else 0,
            s.department.code if s.department else "",
        ),
    )
    return NoticeStats(
        rows=ordered,
        total=sum(s.total for s in ordered),
        delivered=sum(s.delivered for s in ordered),
        read=sum(s.read for s in ordered),
    )
