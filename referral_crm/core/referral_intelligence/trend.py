"""Drop, spike and gone-quiet alerts on weekly referral counts per source.

A week is compared with the same source's trailing baseline by the exact
conditional test for two Poisson rates: given x referrals this week and B over
k baseline weeks, under "no change" x follows Binomial(x + B, 1 / (k + 1)).
Unlike a week-over-week percentage, this knows that 2 after 4 is ordinary for a
source averaging 3 a week, while 0 after a steady 12 is not. "Gone quiet" is judged
the same way: N empty weeks alert only when they are unlikely given the source's
referrals. The week's tests over all sources are held together to a false discovery
rate (Benjamini-Hochberg), so an agency with thousands of sources is not sent dozens
of chance alerts every Monday.
"""

import math
from collections.abc import Mapping, Sequence
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
	recent_weeks: int = 4  # a change that lasts is judged over this many weeks too, not only the last

	@property
	def history_weeks(self) -> int:
		return self.baseline_weeks + max(self.quiet_weeks, self.recent_weeks, 1)


@dataclass(frozen=True)
class Finding:
	kind: str
	this_week: int
	baseline_mean: float
	baseline_weeks: int
	p_value: float | None
	recent_weeks: int = 1  # the weeks judged: the last one, or the last few when a change has lasted
	recent_total: int | None = None


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


def rate_ratio_p_values(
	this_week: int, baseline_total: int, baseline_weeks: int, weeks: int = 1
) -> tuple[float, float]:
	"""One-sided p-values (fewer than usual, more than usual) of the count of the last `weeks` weeks
	against the baseline: under no change it follows Binomial(count + B, weeks / (weeks + k))."""
	if this_week < 0 or baseline_total < 0 or baseline_weeks < 1 or weeks < 1:
		raise ValueError("counts must be non-negative and the baseline at least one week")
	pmfs = _binomial_pmfs(this_week + baseline_total, weeks / (baseline_weeks + weeks))
	low = min(1.0, sum(pmfs[: this_week + 1]))
	high = min(1.0, sum(pmfs[this_week:]))
	return low, high


def quiet_p_value(baseline_total: int, baseline_weeks: int, quiet_weeks: int) -> float:
	"""Chance that none of the B referrals of k + q weeks fell in the last q, were the rate steady.

	The exact conditional probability: given the total, under "no change" each referral lands in any of
	the k + q weeks alike, so all B miss the q quiet weeks with probability (k / (k + q)) ** B. It does
	not take the baseline's mean as the known rate, as exp(-rate * q) would.
	"""
	return (baseline_weeks / (baseline_weeks + quiet_weeks)) ** baseline_total


def judge_source(counts: Sequence[int], settings: AlertSettings) -> Finding | None:
	"""The test the last week of `counts` gets (oldest first, at least `settings.history_weeks` long):
	gone quiet for a regular source silent for the quiet weeks, else the two-sided rate-ratio test
	(drop or spike); None for a source too small to judge. Its p-value is not yet compared with
	anything: whether it alerts depends on every other source judged that week (`assess_sources`)."""
	if len(counts) < settings.history_weeks:
		raise ValueError(f"need {settings.history_weeks} weeks of counts, got {len(counts)}")
	counts = list(counts[-settings.history_weeks :])
	k = settings.baseline_weeks

	quiet = counts[-settings.quiet_weeks :] if settings.quiet_weeks else []
	before_quiet = counts[-settings.quiet_weeks - k : -settings.quiet_weeks] if settings.quiet_weeks else []
	if quiet and not any(quiet) and sum(1 for c in before_quiet if c) >= settings.quiet_min_active_weeks:
		rate = sum(before_quiet) / k
		return Finding(GONE_QUIET, 0, rate, k, quiet_p_value(sum(before_quiet), k, settings.quiet_weeks))

	this_week, baseline = counts[-1], counts[-1 - k : -1]
	mean = sum(baseline) / k
	if mean < settings.min_baseline_mean:
		return None
	low, high = rate_ratio_p_values(this_week, sum(baseline), k)
	kind = DROP if this_week < mean else SPIKE
	# Two-sided: a source may surprise either way, and "0.01" is the chance of either.
	finding = Finding(kind, this_week, mean, k, min(1.0, 2 * min(low, high)))
	w = settings.recent_weeks
	if w > 1:
		# A halving shows in no single week among thousands of sources, but it shows over a month.
		recent, before = counts[-w:], counts[-w - k : -w]
		before_mean = sum(before) / k
		if before_mean >= settings.min_baseline_mean:
			low, high = rate_ratio_p_values(sum(recent), sum(before), k, w)
			window = Finding(
				DROP if sum(recent) < before_mean * w else SPIKE,
				this_week,
				before_mean,
				k,
				min(1.0, 2 * min(low, high)),
				w,
				sum(recent),
			)
			best = min(finding, window, key=lambda f: f.p_value)
			# Two looks at one source: the smaller p-value, doubled (Bonferroni), is its test.
			return Finding(**{**best.__dict__, "p_value": min(1.0, 2 * best.p_value)})
	return finding


def benjamini_hochberg(p_values: Mapping[str, float], rate: float) -> set[str]:
	"""The keys whose p-values the Benjamini-Hochberg procedure keeps at false discovery rate `rate`:
	of the alerts fired, at most that share are expected to be chance, however many sources are judged."""
	ordered = sorted(p_values.items(), key=lambda item: item[1])
	m = len(ordered)
	cutoff = 0
	for i, (_key, p) in enumerate(ordered, start=1):
		if p <= rate * i / m:
			cutoff = i
	return {key for key, _p in ordered[:cutoff]}


def assess_source(counts: Sequence[int], settings: AlertSettings) -> Finding | None:
	"""One source judged alone: the finding when its p-value is under the setting."""
	finding = judge_source(counts, settings)
	return finding if finding and finding.p_value <= settings.significance else None


def assess_sources(
	weekly_counts: Mapping[str, Mapping[object, int]], weeks: Sequence[object], settings: AlertSettings
) -> dict[str, Finding]:
	"""Findings for every source, given {source: {week: count}} and the weeks to read (oldest first).

	Thousands of sources are judged each week, so each is not held to the setting alone (that would
	alert on one in a hundred steady sources every week): the week's tests together keep the share of
	false alarms at the setting (Benjamini-Hochberg). A source with no finding is not a test."""
	judged = {}
	for source, by_week in weekly_counts.items():
		if finding := judge_source([by_week.get(week, 0) for week in weeks], settings):
			judged[source] = finding
	kept = benjamini_hochberg({s: f.p_value for s, f in judged.items()}, settings.significance)
	return {source: judged[source] for source in judged if source in kept}
