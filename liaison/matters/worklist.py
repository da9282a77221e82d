"""What other areas add to the to-do: items that wait on a person there (a source) and
actions the to-do can take on several matters at once (a batch action).

Areas that build on matters (supervision) register theirs in their AppConfig.ready(), so
matters imports none of them (as liaison.deadlines.sweep does for the sweep)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Source:
    """Matters waiting on a person in another area: `matter_ids(person, reach)` is a
    one-column query of matter ids (None when nothing can wait on them), shown with the
    ask `ask` (an inbox Ask) on the to-do."""

    ask: str
    matter_ids: Callable[..., QuerySet | None]


@dataclass(frozen=True)
class BatchAction:
    """An action on one matter by a person, run once per selected matter in its own
    transaction; it raises a core.errors.ServiceError to refuse. `offered(person, reach)`
    says whether the to-do shows it at all."""

    label: object
    run: Callable[..., object]
    offered: Callable[..., bool]


_sources: dict[str, Source] = {}
_actions: dict[str, BatchAction] = {}


def register_source(name: str, source: Source) -> None:
    _sources[name] = source


def register_batch_action(name: str, action: BatchAction) -> None:
    _actions[name] = action


def sources() -> dict[str, Source]:
    return dict(_sources)


def batch_actions() -> dict[str, BatchAction]:
    return dict(_actions)
