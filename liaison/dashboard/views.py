"""The dashboard (驾驶舱): one page per role (policy.role_of), and the big screen."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.matters.selectors import reach_of, visible_matters

from . import policy, selectors

AGE_LABELS = (_("Today"), _("1–2 days"), _("3–6 days"), _("7 days or more"))


def _stale_after() -> int:
    """Seconds after which the screen says its figures are stale."""
    return getattr(settings, "DASHBOARD_STALE_SECONDS", 300)


@login_required
def dashboard(request):
    person = request.person or None
    reach = reach_of(person) if person else None
    role = policy.role_of(person, reach) if person else None
    if role is None:
        return render(request, "dashboard/forbidden.html", status=403)
    now = timezone.now()
    context = {"role": role, "computed_at": now, "screen": policy.may_see_screen(person, reach)}
    visible = visible_matters(person, reach)
    departments = selectors.departments_of(person.organization)
    if role == policy.Role.LEADER:
        scope = None if policy.sees_every_department(person, reach) else reach.overseen
        trend = selectors.trend(person.organization, scope)
        context.update(
            load=selectors.load(visible, departments, scope, now),
            waiting=selectors.waiting_for(person, reach),
            decisions=selectors.open_decisions(visible),
            notices=selectors.unread_notices(person, now),
            lights=selectors.supervision_lights(person),
            trend=trend,
            chart={
                "periods": trend.periods,
                "series": [
                    {"name": str(_("On-time replies")), "data": trend.on_time},
                    {"name": str(_("Satisfaction")), "data": trend.satisfaction},
                ],
            },
        )
    elif role == policy.Role.OFFICE:
        today = timezone.localdate(now)
        monday = today - datetime.timedelta(days=today.weekday())
        context.update(
            bands=[band.label for band in selectors.age_bands(today, AGE_LABELS)],
            queue=selectors.queue_by_age(visible, selectors.age_bands(today, AGE_LABELS)),
            moves=selectors.moves_since(visible, monday),
            week_start=monday,
            worst=selectors.worst_on_time(selectors.latest_scorecard(person.organization)),
            load=selectors.load(visible, departments, frozenset(), now),
        )
    else:
        context["card"] = selectors.head_card(person, reach, policy.head_departments(person), now)
    return render(request, "dashboard/dashboard.html", context)


def _screen_figures(person, reach) -> dict:
    """The whole organization's figures, computed at most once a minute per organization
    (however many screens poll), with when they were computed."""
    key = f"dashboard-screen-{person.organization_id}"
    figures = cache.get(key)
    if figures is None:
        now = timezone.now()
        visible = visible_matters(person, reach)
        load = selectors.load(visible, selectors.departments_of(person.organization), None, now)
        today = timezone.localdate(now)
        queue = selectors.queue_by_age(visible, selectors.age_bands(today, AGE_LABELS))
        figures = {
            "computed_at": now,
            "load": load,
            "queue_totals": [(label, sum(f.value for f in row)) for label, row in queue],
            "lights": selectors.supervision_lights(person),
        }
        cache.set(key, figures, 60)
    age = (timezone.now() - figures["computed_at"]).total_seconds()
    return {**figures, "stale": age > _stale_after(), "stale_after": _stale_after()}


def _screen_person(request):
    person = request.person or None
    reach = reach_of(person) if person else None
    return person, reach, bool(person and policy.may_see_screen(person, reach))


@login_required
def screen(request):
    """大屏: the organization's figures without names, refreshing itself every minute."""
    person, reach, allowed = _screen_person(request)
    if not allowed:
        return render(request, "dashboard/forbidden.html", status=403)
    return render(request, "dashboard/screen.html", _screen_figures(person, reach))


@login_required
def screen_figures(request):
    """The screen's figures alone, which the screen fetches every minute."""
    person, reach, allowed = _screen_person(request)
    if not allowed:
        return render(request, "dashboard/forbidden.html", status=403)
    return render(request, "dashboard/_screen.html", _screen_figures(person, reach))
