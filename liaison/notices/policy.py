"""Who may do what with notices, and in which states: the one place that decides.
Services refuse what these refuse; views, the API and templates offer what these allow.
Who is who (works in, acts for a department, the coordinating office) comes from
liaison.org.roles.

- Anyone with a current position writes drafts, for a department they work in; the
  coordinating office for any department.
- The head, a deputy or the liaison officer of the issuing department, and the
  coordinating office, publish its notices (see `may_publish_for`).
- The author and those who may publish for the issuing department manage the notice:
  change the draft, see every department's statistics, remind, pin and withdraw.
- The head, a deputy or the liaison officer of a department the notice was sent to relay
  it there, see their department's statistics, remind its readers and report the
  department's problems from the liaison desk.
- People see a published notice once it has reached them (relayed into their department,
  or named directly).
"""

from django.db.models import QuerySet

from liaison.org import roles
from liaison.org.models import Department, DepartmentKind, Person

from .models import Notice, NoticeState, Receipt

#: The states in which each action may be done. Relaying and reminding also need the
#: notice current (not past its expiry).
STATES = {
    "edit": {NoticeState.DRAFT},
    "publish": {NoticeState.DRAFT},
    "relay": {NoticeState.PUBLISHED},
    "remind": {NoticeState.PUBLISHED},
    "pin": {NoticeState.PUBLISHED},
    "withdraw": {NoticeState.PUBLISHED},
}
#: Actions on a notice that must still be current.
NEEDS_CURRENT = {"relay", "remind"}


def state_allows(notice: Notice, action: str) -> bool:
    if notice.state not in STATES[action]:
        return False
    return not (action in NEEDS_CURRENT and notice.is_expired)


def _of(person: Person | None, notice: Notice) -> bool:
    return person is not None and person.organization_id == notice.organization_id


# Writing and publishing.


def may_write(person: Person) -> bool:
    """Anyone who holds a position writes notices (publishing them is another matter)."""
    return bool(roles.department_ids_of(person))


def writable_departments(person: Person) -> QuerySet:
    """The departments the person may write notices for: their own; every one for the
    coordinating office."""
    departments = Department.objects.filter(
        organization=person.organization, is_active=True
    ).exclude(kind=DepartmentKind.EXTERNAL)
    if roles.in_coordinating_office(person):
        return departments.order_by("sort_order", "code")
    return departments.filter(pk__in=roles.department_ids_of(person)).order_by("sort_order", "code")


def may_write_for(person: Person, department: Department) -> bool:
    return roles.works_in(person, department) or may_publish_for(person, department)


def may_publish_for(person: Person, department: Department) -> bool:
    """Heads, deputies and liaison officers publish for their department; the coordinating
    office publishes for any."""
    return roles.handles(person, department) or roles.in_coordinating_office(person)


def may_manage(person: Person | None, notice: Notice) -> bool:
    """The author, or who may publish for the issuing department: they change the draft,
    see the statistics, remind, pin and withdraw."""
    if not _of(person, notice):
        return False
    return notice.author_id == person.pk or may_publish_for(person, notice.author_department)


def managed_department_ids(person: Person) -> set[int] | None:
    """The departments whose notices the person manages (None: all, for the coordinating
    office)."""
    if roles.in_coordinating_office(person):
        return None
    return roles.handled_department_ids(person)


def may_edit(person: Person | None, notice: Notice) -> bool:
    return state_allows(notice, "edit") and may_manage(person, notice)


def may_publish(person: Person | None, notice: Notice) -> bool:
    return (
        state_allows(notice, "publish")
        and _of(person, notice)
        and may_publish_for(person, notice.author_department)
    )


def may_pin(person: Person | None, notice: Notice) -> bool:
    return state_allows(notice, "pin") and may_manage(person, notice)


def may_withdraw(person: Person | None, notice: Notice) -> bool:
    return state_allows(notice, "withdraw") and may_manage(person, notice)


# Seeing.


def may_view(person: Person | None, notice: Notice) -> bool:
    """Those who manage it, and once published those it has reached."""
    if not _of(person, notice):
        return False
    if may_manage(person, notice):
        return True
    if notice.state == NoticeState.DRAFT:
        return False
    return Receipt.objects.filter(notice=notice, person=person, delivered_at__isnull=False).exists()


def stats_departments(person: Person, notice: Notice) -> set[int] | None:
    """Whose statistics the person may see: every department's (None) for those who manage
    the notice, their own departments' for those who relay it there."""
    if may_manage(person, notice):
        return None
    return relay_departments(person)


def may_see_stats(person: Person, notice: Notice) -> bool:
    if notice.state == NoticeState.DRAFT:
        return False
    allowed = stats_departments(person, notice)
    return allowed is None or bool(allowed)


# Relaying, reminding, reporting.


def relay_departments(person: Person) -> set[int]:
    """The departments whose notices this person relays: those they act for (head,
    deputy head, liaison officer)."""
    return roles.handled_department_ids(person)


def may_relay_to(person: Person, department: Department) -> bool:
    return department.pk in relay_departments(person)


def may_remind(person: Person, notice: Notice, department: Department | None = None) -> bool:
    """Who manages it reminds anyone; who relays it reminds their departments' readers."""
    if not state_allows(notice, "remind"):
        return False
    allowed = stats_departments(person, notice)
    if allowed is None:
        return True
    return bool(allowed) and (department is None or department.pk in allowed)


def may_report_for(person: Person, department: Department) -> bool:
    """The liaison desk reports the problems and needs of a department one acts for."""
    return department.pk in relay_departments(person)
