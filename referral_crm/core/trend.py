"""Drop, spike and gone-quiet alerts on weekly referral counts per source.

A week is compared with the same source's trailing baseline by the exact
conditional test for two Poisson rates: given x referrals this week and B over
k baseline weeks, under "no change" x follows Binomial(x + B, 1 / (k + 1)).
Unlike a week-over-week percentage, this knows that 2 after 4 is ordinary for a
source averaging 3 a week, while 0 after a steady 12 is not. "Gone quiet" is judged
the same way: N empty weeks alert only when they are unlikely at the source's rate.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DROP = "Drop"
SPIKE = "Spike"
GONE_QUIET = "Gone Quiet"


@dataclass(frozen=True)
class AlertSettings:
	baseline_weeks: int = 8
	min_baseline_mean: float = 1.0  # referrals a week; below this a source is too small to judge
	significance: float = 0.01
	quiet_weeks: int = 3
	quiet_min_active_weeks: int = 4  # baseline weeks with a referral that make a source "regular"

	@property
	def history_weeks(self) -> int:
		return self.baseline_weeks + max(self.quiet_weeks, 1)


@dataclass(frozen=True)
class Finding:
	kind: str
	this_week: int
	baseline_mean: float
	baseline_weeks: int
	p_value: float | None


def _binomial_pmfs(n: int, p: float) -> list[float]:
	"""P(X = i) for i in 0..n, computed in log space so large n does not underflow."""
	if n == 0:
		return [1.0]
	log_p, log_q = math.log(p), math.log1p(-p)
	log_n_fact = math.lgamma(n + 1)
	return [
		math.exp(log_n_fact - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q)
		for i in range(n + 1)
	]


def rate_ratio_p_values(this_week: int, baseline_total: int, baseline_weeks: int) -> tuple[float, float]:
	"""One-sided p-values (fewer than usual, more than usual) of this week's count against the baseline."""
	if this_week < 0 or baseline_total < 0 or baseline_weeks < 1:
		raise ValueError("counts must be non-negative and the baseline at least one week")
	pmfs = _binomial_pmfs(this_week + baseline_total, 1 / (baseline_weeks + 1))
	low = min(1.0, sum(pmfs[: this_week + 1]))
	high = min(1.0, sum(pmfs[this_week:]))
	return low, high


def assess_source(counts: Sequence[int], settings: AlertSettings) -> Finding | None:
	"""Judge the last week of `counts` (oldest first, at least `settings.history_weeks` long)."""
	if len(counts) < settings.history_weeks:
		raise ValueError(f"need {settings.history_weeks} weeks of counts, got {len(counts)}")
	counts = list(counts[-settings.history_weeks :])
	k = settings.baseline_weeks

	quiet = counts[-settings.quiet_weeks :] if settings.quiet_weeks else []
	before_quiet = counts[-settings.quiet_weeks - k : -settings.quiet_weeks] if settings.quiet_weeks else []
	if quiet and not any(quiet) and sum(1 for c in before_quiet if c) >= settings.quiet_min_active_weeks:
		rate = sum(before_quiet) / k
		# Chance of that many empty weeks in a row at the source's usual rate (Poisson zeros).
		p_silent = math.exp(-rate * settings.quiet_weeks)
		if p_silent < settings.significance:
			return Finding(GONE_QUIET, 0, rate, k, p_silent)

	this_week, baseline = counts[-1], counts[-1 - k : -1]
	mean = sum(baseline) / k
	if mean < settings.min_baseline_mean:
		return None
	low, high = rate_ratio_p_values(this_week, sum(baseline), k)
	if this_week < mean and low < settings.significance:
		return Finding(DROP, this_week, mean, k, low)
	if this_week > mean and high < settings.significance:
		return Finding(SPIKE, this_week, mean, k, high)
	return None


def assess_sources(
	weekly_counts: Mapping[str, Mapping[object, int]], weeks: Sequence[object], settings: AlertSettings
) -> dict[str, Finding]:
	"""Findings for every source, given {source: {week: count}} and the weeks to read (oldest first)."""
	findings = {}
	for source, by_week in weekly_counts.items():
		finding = assess_source([by_week.get(week, 0) for week in weeks], settings)
		if finding:
			findings[source] = finding
	return findings


def median(values: Iterable[float]) -> float | None:
	ordered = sorted(values)
	if not ordered:
		return None
	middle = len(ordered) // 2
	return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
