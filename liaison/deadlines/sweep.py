"""The sweep: reminders, missed time limits and the escalation ladder for the matters
whose check time has come, then the other periodic work (archiving, supervision
deadlines, deliveries, digests, notices, communication plans).

Each area registers its part, a step, in its AppConfig.ready(), so the deadlines import
no area above them. The steps run in their order, lowest first:

    10 the matters' clocks    20 archiving closed matters    30 supervision deadlines
    40 deliveries and digests    50 notices    60 communication plans

Two sweeps at once, or the same sweep twice, are harmless: each step claims its rows
under a row lock or a conditional update and re-checks them (e.g.
matters.services.check_clocks)."""

import datetime
from collections import Counter
from collections.abc import Callable, Mapping

from django.utils import timezone

#: A step does its part of the sweep as of `now` and returns how many of each thing it did.
Step = Callable[[datetime.datetime], Mapping[str, int]]

_steps: dict[str, tuple[int, Step]] = {}


def register(name: str, step: Step, order: int) -> None:
    """Run `step` in every sweep, after the steps of a lower order. Registering a name
    again replaces its step."""
    _steps[name] = (order, step)


def run_sweep(now: datetime.datetime | None = None) -> dict:
    """One full sweep as of `now`; returns how many of each thing it did."""
    now = now or timezone.now()
    counts = Counter()
    for _name, (_order, step) in sorted(_steps.items(), key=lambda item: (item[1][0], item[0])):
        counts.update(step(now))
    return {key: value for key, value in counts.items() if value}
