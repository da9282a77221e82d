"""Accepted appeals' adjustments applied to the indicators' figures and records.

An adjustment changes ONE record of a department's figure in a period: counted as met (it
enters the numerator) or excluded from the units (it leaves the denominator, and the
numerator if it was counted). Figures and records are adjusted alike, so that a figure
still drills to exactly its records: denominator == len(records), numerator == counted.
"""

import dataclasses

from liaison.core.indicators import Figure, Indicator, Period, Record
from liaison.org.models import Department, Organization

from .models import Adjustment, Effect


def effects_of(organization: Organization, period: Period) -> dict[tuple[str, int], dict]:
    """{(indicator code, department id): {matter id: effect}} of the period."""
    found: dict[tuple[str, int], dict] = {}
    rows = Adjustment.objects.filter(organization=organization, period=period.code)
    for code, department_id, matter_id, effect in rows.values_list(
        "indicator", "department_id", "matter_id", "effect"
    ):
        found.setdefault((code, department_id), {})[matter_id] = effect
    return found


def adjusted_records(records, effects: dict) -> list[tuple[Record, str]]:
    """The records with the adjustments applied, each with its effect ("" when none)."""
    out = []
    for record in records:
        effect = effects.get(record.matter_id, "")
        if effect == Effect.EXCLUDED:
            continue
        if effect == Effect.MET:
            record = dataclasses.replace(record, counted=True)
        out.append((record, effect))
    return out


def records_of(
    indicator: Indicator, organization: Organization, period: Period, department: Department
) -> list[tuple[Record, str]]:
    effects = effects_of(organization, period).get((indicator.code, department.pk), {})
    return adjusted_records(indicator.records(organization, period, department), effects)


def apply(
    organization: Organization, period: Period, indicators: list[Indicator], figures: dict
) -> None:
    """Adjusts `figures` ({code: {department id: Figure}}) in place, from the records of
    the adjusted departments only."""
    by_code = {i.code: i for i in indicators}
    departments = {}
    for (code, department_id), effects in effects_of(organization, period).items():
        if code not in by_code or code not in figures:
            continue
        department = departments.get(department_id) or Department.objects.get(pk=department_id)
        departments[department_id] = department
        figure = figures[code].get(department_id) or Figure(0, 0)
        numerator, denominator = figure.numerator, figure.denominator
        for record in by_code[code].records(organization, period, department):
            effect = effects.get(record.matter_id)
            if effect == Effect.MET and not record.counted:
                numerator += 1
            elif effect == Effect.EXCLUDED:
                denominator -= 1
                numerator -= record.counted
        figures[code][department_id] = Figure(numerator, denominator)
