"""Evaluation: computing scorecards from the indicators' records (computing.py) with the
scoring rules of scoring.py. Refusals raise the service errors of liaison.core.errors."""

from .computing import TREND_PERIODS, compute, recompute, scorecard_for

__all__ = ["TREND_PERIODS", "compute", "recompute", "scorecard_for"]
