"""The to-do as a place to work: saved views, and actions on several matters at once."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import QueryDict
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed, ServiceError
from liaison.org.models import Department, Person

from .. import policy, selectors
from ..models import Matter, SavedView
from .handling import dispatch

#: What a saved view keeps of the to-do's address: the tab, the filters and the sort.
VIEW_PARAMETERS = {
    "tab",
    "sort",
    "q",
    "state",
    "kind",
    "department",
    "urgency",
    "overdue",
    "created_from",
    "created_to",
}


def view_query(query: str) -> str:
    """What a view keeps of a to-do address: its known, non-empty parameters."""
    kept = QueryDict(mutable=True)
    for key, values in QueryDict(query or "").lists():
        if key in VIEW_PARAMETERS:
            kept.setlist(key, [value for value in values if value])
    return kept.urlencode()


def save_view(person: Person, name: str, query: str) -> SavedView:
    """Save (or, under the same name, replace) a view of the to-do."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the view a name."))
    if len(name) > SavedView._meta.get_field("name").max_length:
        raise InvalidInput(_("The view's name is too long."))
    query = view_query(query)
    if len(query) > SavedView._meta.get_field("query").max_length:
        raise InvalidInput(_("This view has too many filters to save."))
    with transaction.atomic():
        view = SavedView.objects.select_for_update().filter(person=person, name=name).first()
        if view is not None:
            view.query = query
            view.save(update_fields=["query"])
            return view
        last = SavedView.objects.filter(person=person).aggregate(last=Max("position"))["last"]
        try:
            with transaction.atomic():
                return SavedView.objects.create(
                    person=person, name=name, query=query, position=(last or 0) + 1
                )
        except IntegrityError as exc:  # saved at the same moment elsewhere
            raise InvalidInput(_("A view of this name exists already.")) from exc


def delete_view(person: Person, view: SavedView) -> None:
    if not policy.may_change_view(person, view):
        raise NotAllowed(_("This view is not yours."))
    view.delete()


@dataclass
class BatchResult:
    """Which of the selected matters the action was done on, and which it refused why."""

    done: list[Matter] = field(default_factory=list)
    refused: list[tuple[Matter, str]] = field(default_factory=list)
    unseen: int = 0  # ids of matters the person may not see (or that do not exist)


def run_batch(
    person: Person, matter_ids: Iterable, act: Callable[[Matter, Person], object]
) -> BatchResult:
    """Do `act` on each selected matter the person sees, each in its own transaction:
    a refused matter is left exactly as it was and the others go ahead."""
    ids = []
    for value in matter_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise InvalidInput(_("Select at least one matter."))
    matters = selectors.matters_in_order(
        list(selectors.visible_matters(person).filter(pk__in=ids).values_list("pk", flat=True))
    )
    result = BatchResult(unseen=len(ids) - len(matters))
    order = {pk: index for index, pk in enumerate(ids)}
    for matter in sorted(matters, key=lambda m: order[m.pk]):
        try:
            with transaction.atomic():
                act(matter, person)
        except ServiceError as error:
            result.refused.append((matter, error.message))
        else:
            result.done.append(matter)
    return result


def dispatch_all(person: Person, matter_ids: Iterable, lead: Department | None) -> BatchResult:
    """Dispatch each selected matter to one lead department, as one dispatch would."""
    if lead is None or lead.organization_id != person.organization_id:
        raise InvalidInput(_("Choose the lead department."))
    return run_batch(person, matter_ids, lambda matter, by: dispatch(matter, by, lead=lead))
