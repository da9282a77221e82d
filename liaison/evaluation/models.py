"""Evaluation settings and scorecards (考核).

An organization sets its minimum sample, its indicators' targets and their weights per
kind of department; a Scorecard is one stored computation of a period: who ran it and
when, the weights, targets, definitions and minimum sample it used (as snapshots, so that
it can be run again with the same result), and one line per department. Scores are
computed from the records by the services, never typed in.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.core.indicators import Measure, indicator
from liaison.core.models import Event
from liaison.org.models import Department, DepartmentKind, Organization, Person


def _registered(code: str):
    """The catalogue's indicator of that code, or a ValidationError on the field."""
    found = indicator(code)
    if found is None:
        raise ValidationError({"indicator": _("No indicator with that code.")})
    return found


class EvaluationSettings(models.Model):
    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="evaluation_settings",
    )
    minimum_sample = models.PositiveIntegerField(
        _("minimum sample"),
        default=5,
        help_text=_("Departments with fewer units in a period are shown but not ranked."),
    )
    notice_reading_days = models.PositiveIntegerField(
        _("notice reading time (working days)"),
        default=1,
        help_text=_("A notice read within this many working days of delivery is read on time."),
    )

    class Meta:
        verbose_name = _("evaluation settings")
        verbose_name_plural = _("evaluation settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_sample__gte=1), name="evaluation_settings_minimum_sample"
            ),
            models.CheckConstraint(
                condition=Q(notice_reading_days__gte=1), name="evaluation_settings_reading_days"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Target(models.Model):
    """An organization's own target for an indicator (else the catalogue's default): a
    fraction for rates, a number for counts."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.CharField(_("indicator"), max_length=50)
    target = models.FloatField(_("target"))

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "indicator"], name="evaluation_target_unique"
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="evaluation_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ≥ {self.target}"

    def clean(self):
        if _registered(self.indicator).measure == Measure.RATE and self.target > 1:
            raise ValidationError(
                {"target": _("The target of a rate is a fraction between 0 and 1 (0.95 for 95%).")}
            )


class Weight(models.Model):
    """An indicator's weight for one kind of department. Indicators without a row weigh 1."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    department_kind = models.CharField(
        _("department kind"), max_length=20, choices=DepartmentKind.choices
    )
    indicator = models.CharField(_("indicator"), max_length=50)
    weight = models.FloatField(_("weight"))

    class Meta:
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
        ordering = ["department_kind", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "department_kind", "indicator"],
                name="evaluation_weight_unique",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="evaluation_weight_positive"),
            models.CheckConstraint(
                condition=Q(department_kind__in=DepartmentKind.values),
                name="evaluation_weight_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department_kind} {self.indicator} × {self.weight}"

    def clean(self):
        _registered(self.indicator)
        if self.department_kind == DepartmentKind.EXTERNAL:
            raise ValidationError({"department_kind": _("External units are not evaluated.")})


class ScorecardState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROVISIONAL = "provisional", _("Provisional")
    APPEAL = "appeal", _("Open for appeal")
    REVIEWED = "reviewed", _("Reviewed")
    FINAL = "final", _("Final")
    PUBLISHED = "published", _("Published")


class Scorecard(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="scorecards",
    )
    period = models.CharField(_("period"), max_length=10)  # 2026-Q4, 2026-11
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))  # cut at the time of computing
    # None: computed on demand, when somebody first asked for the period.
    computed_by = models.ForeignKey(
        Person,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"))
    state = models.CharField(
        _("state"), max_length=20, choices=ScorecardState.choices, default=ScorecardState.DRAFT
    )
    # What the computation used: {kind: {code: weight}}, {code: target},
    # {code: {name, definition, direction, measure, target}}.
    weights = models.JSONField(_("weights"))
    targets = models.JSONField(_("targets"))
    definitions = models.JSONField(_("definitions"))
    minimum_sample = models.PositiveIntegerField(_("minimum sample"))

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["organization", "period", "-computed_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="scorecard_dates"),
            models.CheckConstraint(
                condition=Q(state__in=ScorecardState.values), name="scorecard_state"
            ),
            models.CheckConstraint(
                condition=Q(minimum_sample__gte=1), name="scorecard_minimum_sample"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period}"


class Standing(models.TextChoices):
    RED = "red", _("Red list")
    BLACK = "black", _("Black list")


class Unranked(models.TextChoices):
    """Why a department is not ranked."""

    SAMPLE = "sample", _("Sample too small")
    NO_SCORE = "no_score", _("No score")


class ScorecardLine(models.Model):
    """A department's result: its score, and its rank within its kind when its units (the
    largest denominator of its rate indicators) reach the minimum sample."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="lines"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("department kind"), max_length=20, choices=DepartmentKind.choices)
    score = models.FloatField(_("score"), null=True, blank=True)  # None: no indicator had a value
    units = models.PositiveIntegerField(_("units"))
    ranked = models.BooleanField(_("ranked"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    reason = models.CharField(
        _("why not ranked"), max_length=20, choices=Unranked.choices, blank=True
    )
    standing = models.CharField(_("list"), max_length=10, choices=Standing.choices, blank=True)
    # {code: {value, numerator, denominator, score, met}}
    values = models.JSONField(_("values"))
    # The scores of the previous four periods, oldest first: [{period, score}].
    trend = models.JSONField(_("trend"), default=list)

    class Meta:
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        ordering = ["kind", "rank", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "department"], name="scorecard_line_unique_department"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="scorecard_line_score_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    ranked=True, rank__isnull=False, rank__gte=1, reason="", score__isnull=False
                )
                | (Q(ranked=False, rank__isnull=True, standing="") & ~Q(reason="")),
                name="scorecard_line_ranked",
            ),
            models.CheckConstraint(
                condition=Q(standing__in=["", *Standing.values]),
                name="scorecard_line_standing",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["", *Unranked.values]), name="scorecard_line_reason"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DepartmentKind.values), name="scorecard_line_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} {self.department}"


# Peer evaluation (三评): rounds and their ballots (services/rounds.py).


class RoundState(models.TextChoices):
    OPEN = "open", pgettext_lazy("peer round", "Open")
    CLOSED = "closed", _("Closed")


class Satisfaction(models.IntegerChoices):
    """The five-level scale of a peer ballot and its points."""

    VERY_SATISFIED = 100, _("Very satisfied")
    SATISFIED = 80, _("Satisfied")
    BASICALLY_SATISFIED = 60, _("Basically satisfied")
    DISSATISFIED = 40, _("Dissatisfied")
    VERY_DISSATISFIED = 20, _("Very dissatisfied")


class PeerRound(models.Model):
    """A quarter's peer evaluation: open from `opens` to `closes` (10 working days)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=10)  # 2026-Q4
    opens = models.DateTimeField(_("opens"))
    closes = models.DateTimeField(_("closes"))
    state = models.CharField(
        _("state"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN
    )
    opened_by = models.ForeignKey(
        Person, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    # Reminders sent so far: at working day 5, then at working day 9.
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("peer evaluation round")
        verbose_name_plural = _("peer evaluation rounds")
        ordering = ["-opens", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"], name="peer_round_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="peer_round_dates"
            ),
            models.CheckConstraint(
                condition=Q(state__in=RoundState.values), name="peer_round_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period}"


class PeerBallot(models.Model):
    """One rater's questionnaire on one evaluated department: asked when the round opens
    (a rater department) or when the office issues a code (an external rater, whose code
    is kept only as a keyed hash), answered once."""

    round = models.ForeignKey(
        PeerRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="ballots"
    )
    evaluated = models.ForeignKey(
        Department,
        verbose_name=_("evaluated department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rater_department = models.ForeignKey(
        Department,
        verbose_name=_("rater department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rater_label = models.CharField(_("external rater"), max_length=100, blank=True)
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    overall = models.PositiveSmallIntegerField(
        _("overall"), choices=Satisfaction.choices, null=True, blank=True
    )
    attitude = models.PositiveSmallIntegerField(
        _("attitude"), choices=Satisfaction.choices, null=True, blank=True
    )
    efficiency = models.PositiveSmallIntegerField(
        _("efficiency"), choices=Satisfaction.choices, null=True, blank=True
    )
    quality = models.PositiveSmallIntegerField(
        _("quality"), choices=Satisfaction.choices, null=True, blank=True
    )
    cooperation = models.PositiveSmallIntegerField(
        _("cooperation"), choices=Satisfaction.choices, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("peer ballot")
        verbose_name_plural = _("peer ballots")
        ordering = ["evaluated__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "evaluated", "rater_department"],
                condition=Q(rater_department__isnull=False),
                name="peer_ballot_one_per_rater",
            ),
            # A department rates others, an external rater holds a code: one or the other.
            models.CheckConstraint(
                condition=Q(rater_department__isnull=False, code_hash__isnull=True)
                | Q(rater_department__isnull=True, code_hash__isnull=False),
                name="peer_ballot_rater",
            ),
            models.CheckConstraint(
                condition=~Q(rater_department=models.F("evaluated")), name="peer_ballot_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.evaluated}"


# Lifecycle, appeals (申诉) and talks (约谈): services/lifecycle.py and services/appeals.py.


class ScorecardEventType(models.TextChoices):
    PROVISIONAL = "provisional", _("Shown to the departments")
    APPEAL = "appeal", _("Opened for appeal")
    REVIEWED = "reviewed", _("Reviewed")
    FINAL = "final", _("Approved as final")
    PUBLISHED = "published", _("Published")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    APPEAL_ACCEPTED = "appeal_accepted", _("Appeal accepted")
    APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")
    RECOMPUTED = "recomputed", _("Recomputed")
    TALK_OPENED = "talk_opened", _("Talk (约谈) opened")


class ScorecardEvent(Event):
    """A scorecard's record: every transition and decision, who, when and why."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("what"), max_length=20, choices=ScorecardEventType.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta(Event.Meta):
        verbose_name = _("scorecard event")
        verbose_name_plural = _("scorecard events")


class AppealState(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", pgettext_lazy("appeal", "Accepted")
    REJECTED = "rejected", _("Rejected")


class Effect(models.TextChoices):
    MET = "met", _("Counted as met")
    EXCLUDED = "excluded", _("Excluded from the units")


class Appeal(models.Model):
    """A department's appeal against ONE record of its figures, decided by the office."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="appeals"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.CharField(_("indicator"), max_length=50)
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(
        Person, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    state = models.CharField(
        _("state"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING
    )
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices, blank=True)
    decided_by = models.ForeignKey(
        Person,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision's reason"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AppealState.values), name="evaluation_appeal_state"
            ),
            models.CheckConstraint(
                condition=Q(state=AppealState.ACCEPTED, effect__in=Effect.values)
                | (~Q(state=AppealState.ACCEPTED) & Q(effect="")),
                name="evaluation_appeal_effect",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.indicator} {self.matter_id}"


class Adjustment(models.Model):
    """How an accepted appeal changed one record's attribution in a period: applied to the
    figures and the records of every computation of that period."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=10)
    indicator = models.CharField(_("indicator"), max_length=50)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices)
    appeal = models.OneToOneField(
        Appeal, verbose_name=_("appeal"), on_delete=models.PROTECT, related_name="adjustment"
    )
    made_by = models.ForeignKey(
        Person, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period", "indicator", "department", "matter"],
                name="evaluation_adjustment_unique",
            ),
            models.CheckConstraint(
                condition=Q(effect__in=Effect.values), name="evaluation_adjustment_effect"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.indicator} {self.department} {self.matter_id}"


class Talk(models.Model):
    """The 约谈 matter opened for two consecutive periods on the black list (once)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    earlier = models.CharField(_("earlier period"), max_length=10)
    later = models.CharField(_("later period"), max_length=10)
    matter = models.OneToOneField(
        "matters.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("talk (约谈)")
        verbose_name_plural = _("talks (约谈)")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "earlier", "later"], name="evaluation_talk_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.earlier}–{self.later}"
