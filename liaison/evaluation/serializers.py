"""API shapes of the evaluation area (the contract names of issue 19; fields beyond them
are additions). Built from plain dicts by api.py; departments are shown by code."""

from rest_framework import serializers


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    direction = serializers.CharField(help_text="`higher` or `lower`: which is better")
    measure = serializers.CharField(help_text="`rate` (a fraction 0–1) or `count`")
    target = serializers.FloatField(
        allow_null=True, help_text="the organization's target: a fraction for rates; null: none"
    )


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True,
        help_text="a fraction 0–1 for rates (null when the denominator is 0), the count for counts",
    )
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text="the indicator's score, 0–100")
    met = serializers.BooleanField(
        allow_null=True, help_text="whether the target is reached; null: no target or no value"
    )


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class LineSerializer(serializers.Serializer):
    department = serializers.CharField(help_text="department code")
    name = serializers.CharField(help_text="department name")
    kind = serializers.CharField(help_text="department kind: rankings are within a kind")
    score = serializers.FloatField(
        allow_null=True,
        help_text="0–100: Σ weight × indicator score over the indicators "
        "with a value, the weights renormalised over those",
    )
    rank = serializers.IntegerField(allow_null=True, help_text="within the kind; null: unranked")
    ranked = serializers.BooleanField()
    reason = serializers.CharField(help_text="why not ranked (样本不足 …); empty when ranked")
    units = serializers.IntegerField(
        help_text="n: the largest denominator of the rate indicators, against the minimum sample"
    )
    standing = serializers.CharField(
        help_text="`red` (top 5 of the kind), `black` (bottom 5) or ''"
    )
    indicators = serializers.DictField(child=FigureSerializer(), help_text="by indicator code")
    trend = TrendPointSerializer(many=True, help_text="the previous four periods, oldest first")


class ScorecardSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="cut at the time of computing for a running period")
    computed_at = serializers.DateTimeField()
    state = serializers.CharField(
        help_text="`draft`, `provisional`, `appeal`, `reviewed`, `final` or `published`"
    )
    minimum_sample = serializers.IntegerField()
    weights = serializers.DictField(
        child=serializers.DictField(child=serializers.FloatField()),
        help_text="{department kind: {indicator code: weight}}",
    )
    departments = LineSerializer(many=True)


class ComputeSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="a quarter (2026-Q4) or a month (2026-11)")


class RecordSerializer(serializers.Serializer):
    matter = serializers.IntegerField(
        allow_null=True, help_text="matter id; null when the matter is not visible to you"
    )
    number = serializers.CharField(help_text="empty when the matter is not visible to you")
    counted = serializers.BooleanField(help_text="in the numerator")
    adjusted = serializers.CharField(
        required=False,
        help_text="how an accepted appeal adjusted it: `met` (counted as met); else empty",
    )
    due = serializers.DateTimeField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)
