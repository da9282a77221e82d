"""The top search's other finds: each area that has something to find (matters, meetings,
notices) registers a finder at start-up, from the composition root (liaison/search.py), so
the organization, which every area builds on, imports none of them."""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Person


@dataclass(frozen=True)
class Hit:
    """One find: what it is (a badge), its headline, a line below it, and where it is."""

    kind: str
    text: str
    detail: str
    url: str


#: A finder returns what the person may see that matches the query, best first.
Finder = Callable[[Person, str], list[Hit]]

_finders: dict[str, tuple[int, Finder]] = {}


def register(name: str, finder: Finder, order: int) -> None:
    """Show `finder`'s hits after those of a lower order; a name again replaces it."""
    _finders[name] = (order, finder)


def find(person: Person | None, query: str) -> list[Hit]:
    """Everything the registered finders give the person for the query."""
    if person is None or not query.strip():
        return []
    hits: list[Hit] = []
    for _name, (_order, finder) in sorted(_finders.items(), key=lambda item: (item[1][0], item[0])):
        hits.extend(finder(person, query.strip()))
    return hits
