import itertools
import math
import random
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.referral_intelligence.trend import (
	DROP,
	GONE_QUIET,
	SPIKE,
	AlertSettings,
	assess_source,
	assess_sources,
	benjamini_hochberg,
	judge_source,
	quiet_p_value,
	rate_ratio_p_values,
)

SETTINGS = AlertSettings(
	baseline_weeks=8, min_baseline_mean=1.0, significance=0.01, quiet_weeks=3, quiet_min_active_weeks=4
)


def history(baseline, this_week, lead=(1, 1, 1)):
	"""Weeks oldest first: some lead-in weeks, the baseline, then the week judged."""
	return [*lead[: SETTINGS.history_weeks - len(baseline) - 1], *baseline, this_week]


def test_p_values_match_a_hand_computed_binomial():
	# 1 this week vs 16 over 8 weeks: X ~ Bin(17, 1/9); P(X <= 1) = (8/9)^17 + 17 (1/9)(8/9)^16
	low, high = rate_ratio_p_values(1, 16, 8)
	assert low == pytest.approx((8 / 9) ** 17 + 17 * (1 / 9) * (8 / 9) ** 16)
	assert high == pytest.approx(1 - (8 / 9) ** 17)
	expected_high = sum(comb(17, i) * (1 / 9) ** i * (8 / 9) ** (17 - i) for i in range(1, 18))
	assert high == pytest.approx(expected_high)


def test_naive_week_over_week_would_alert_but_the_test_does_not():
	counts = history([3, 2, 4, 3, 3, 2, 4, 4], 2)  # last week 4, this week 2: "-50 %"
	assert (counts[-2] - counts[-1]) / counts[-2] == 0.5
	assert assess_source(counts, SETTINGS) is None


def test_a_real_drop_alerts_with_its_reasons():
	finding = assess_source(history([12, 11, 13, 12, 12, 14, 11, 12], 2), SETTINGS)
	assert finding.kind == DROP
	assert (finding.this_week, finding.baseline_mean, finding.baseline_weeks) == (2, 12.125, 8)
	assert finding.p_value < 0.01


def test_a_real_spike_alerts():
	finding = assess_source(history([2, 3, 2, 2, 3, 2, 2, 3], 14), SETTINGS)
	assert finding.kind == SPIKE and finding.p_value < 0.01


def test_small_sources_never_alert():
	assert assess_source(history([0, 1, 0, 0, 1, 0, 0, 1], 6), SETTINGS) is None


def test_gone_quiet_after_regular_referrals():
	counts = [1, 2, 2, 3, 2, 2, 3, 2, 2, 0, 0, 0]
	finding = assess_source(counts, SETTINGS)
	assert finding.kind == GONE_QUIET and finding.this_week == 0
	assert finding.p_value < 0.01


def test_three_empty_weeks_are_ordinary_for_a_source_sending_one_a_week():
	# active in 6 of 8 weeks, 1.25 a week: three empty weeks happen by chance 2 % of the time
	counts = [1, 2, 1, 2, 0, 1, 2, 1, 1, 0, 0, 0]
	assert assess_source(counts, SETTINGS) is None


def test_an_occasional_source_going_silent_is_not_quiet():
	counts = [1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
	assert assess_source(counts, SETTINGS) is None


def test_too_short_a_history_is_an_error():
	with pytest.raises(ValueError):
		assess_source([1, 2, 3], SETTINGS)


def test_assess_sources_reads_missing_weeks_as_zero():
	weeks = list(range(SETTINGS.history_weeks))
	steady = {week: 10 for week in weeks[:-1]}
	findings = assess_sources({"PRAC-1": steady, "PRAC-2": {}}, weeks, SETTINGS)
	assert list(findings) == ["PRAC-1"] and findings["PRAC-1"].kind == DROP


@given(
	st.lists(
		st.integers(min_value=0, max_value=40),
		min_size=SETTINGS.history_weeks,
		max_size=SETTINGS.history_weeks,
	)
)
def test_alerts_never_fire_below_the_minimum_baseline(counts):
	finding = assess_source(counts, SETTINGS)
	baseline = counts[-1 - SETTINGS.baseline_weeks : -1]
	if finding and finding.kind != GONE_QUIET:
		assert finding.baseline_mean >= SETTINGS.min_baseline_mean
		if finding.recent_weeks == 1:
			assert sum(baseline) / SETTINGS.baseline_weeks == finding.baseline_mean
		assert finding.p_value < SETTINGS.significance


@given(st.integers(0, 60), st.integers(0, 200), st.integers(1, 12))
def test_p_values_are_probabilities_that_cover_every_outcome(x, baseline, weeks):
	low, high = rate_ratio_p_values(x, baseline, weeks)
	assert 0 <= low <= 1 and 0 <= high <= 1
	assert low + high >= 1 - 1e-9  # both tails include P(X = x)


def poisson(rng: random.Random, rate: float) -> int:
	"""Knuth's sampler: enough for weekly referral rates."""
	limit, k, product = math.exp(-rate), 0, rng.random()
	while product > limit:
		k += 1
		product *= rng.random()
	return k


@pytest.mark.parametrize("total, k, q", [(0, 8, 3), (1, 8, 3), (5, 4, 2), (7, 3, 3)])
def test_quiet_is_the_exact_conditional_probability(total, k, q):
	"""Brute force: every way the referrals could fall in the k + q weeks, equally likely under no change."""
	weeks = k + q
	silent = sum(
		1 for placing in itertools.product(range(weeks), repeat=total) if all(w < k for w in placing)
	)
	assert quiet_p_value(total, k, q) == pytest.approx(silent / weeks**total)


def test_quiet_is_not_judged_as_if_the_rate_were_known():
	# 8 referrals over 8 weeks, then 3 empty: exp(-1 * 3) = 0.0498 would take the rate as certain.
	assert quiet_p_value(8, 8, 3) == pytest.approx((8 / 11) ** 8)
	assert quiet_p_value(8, 8, 3) != pytest.approx(math.exp(-3))


def test_drop_and_spike_are_judged_two_sided():
	one_week = AlertSettings(baseline_weeks=8, quiet_weeks=3, recent_weeks=1)
	finding = judge_source([1, 1, 1, *[12] * 8, 2], one_week)
	low, _high = rate_ratio_p_values(2, 96, 8)
	assert finding.kind == DROP and finding.p_value == pytest.approx(2 * low)


def test_benjamini_hochberg_keeps_the_step_up_set():
	p = {"a": 0.001, "b": 0.008, "c": 0.039, "d": 0.041, "e": 0.042, "f": 0.06, "g": 0.074, "h": 0.205}
	# Benjamini & Hochberg's procedure at 0.05 with m = 8: the largest i with p(i) <= 0.05 i / 8 is 2.
	assert benjamini_hochberg(p, 0.05) == {"a", "b"}
	assert benjamini_hochberg({}, 0.05) == set()
	assert benjamini_hochberg({"x": 0.2, "y": 0.01}, 0.05) == {"y"}


def steady_week(rng, rates, weeks):
	return {
		f"S{i}": dict(enumerate(poisson(rng, rate) for _ in range(weeks))) for i, rate in enumerate(rates)
	}


def test_thousands_of_steady_sources_raise_no_alarm():
	"""2,500 sources with no change at all, 1.5 to 30 referrals a week: tested each at 0.01 alone, about
	one in a hundred would alert every week (25 false alarms); held together, none does."""
	rng = random.Random(17)
	rates = [rng.uniform(1.5, 30) for _ in range(2500)]
	weeks = list(range(SETTINGS.history_weeks))
	counts = steady_week(rng, rates, len(weeks))
	alone = sum(1 for by_week in counts.values() if assess_source([by_week[w] for w in weeks], SETTINGS))
	assert alone >= 10, "the per-source test alone would alert on steady sources"
	assert assess_sources(counts, weeks, SETTINGS) == {}


def test_real_drops_among_thousands_of_sources_are_found():
	rng = random.Random(5)
	weeks = list(range(SETTINGS.history_weeks))
	counts = steady_week(rng, [rng.uniform(1.5, 30) for _ in range(2500)], len(weeks))
	for i in range(20):  # a steady 20 a week that stops, and one that falls to 2
		counts[f"quiet{i}"] = dict(enumerate([poisson(rng, 20) for _ in weeks[:-3]] + [0, 0, 0]))
		counts[f"drop{i}"] = dict(enumerate([poisson(rng, 20) for _ in weeks[:-1]] + [2]))
	found = assess_sources(counts, weeks, SETTINGS)
	assert {s for s, f in found.items() if f.kind == GONE_QUIET} == {f"quiet{i}" for i in range(20)}
	assert {s for s, f in found.items() if f.kind == DROP} >= {f"drop{i}" for i in range(20)}
	assert len(found) <= 40 + 1


def test_a_lasting_halving_is_judged_over_the_recent_weeks():
	"""15 a week, then four weeks near 7: no single week is far enough off, four together are."""
	counts = [15, 14, 16, 15, 15, 14, 16, 15, 8, 7, 7, 8]
	one_week = AlertSettings(recent_weeks=1)
	assert judge_source(counts[-one_week.history_weeks :], one_week).p_value > 0.001
	finding = judge_source(counts, SETTINGS)
	assert (finding.kind, finding.recent_weeks, finding.recent_total) == (DROP, 4, 30)
	low, _high = rate_ratio_p_values(30, 120, 8, 4)
	assert finding.p_value == pytest.approx(4 * low), "two-sided, and two looks at the source"


def test_the_edges_of_the_rules_are_inclusive():
	# A baseline exactly at the minimum is judged; a steady week is no news (p = 1, not a drop).
	at_minimum = judge_source([1] * 11 + [1], SETTINGS)
	assert at_minimum is not None and at_minimum.kind == SPIKE and at_minimum.p_value == 1.0
	# Exactly the number of active weeks that makes a source regular, then the quiet weeks.
	quiet = judge_source([0, *[0, 0, 0, 0, 5, 5, 5, 5], 0, 0, 0], SETTINGS)
	assert quiet.kind == GONE_QUIET and (quiet.baseline_mean, quiet.baseline_weeks) == (2.5, 8)
	assert quiet.p_value == pytest.approx((8 / 11) ** 20)
	three = judge_source([0, *[0, 0, 0, 0, 0, 5, 5, 5], 0, 0, 0], SETTINGS)
	assert three.kind == DROP, "three active weeks: not a regular source, so not gone quiet"


def test_a_finding_exactly_at_the_setting_alerts():
	finding = judge_source(history([12] * 8, 2), SETTINGS)
	exact = AlertSettings(baseline_weeks=8, quiet_weeks=3, recent_weeks=4, significance=finding.p_value)
	assert assess_source(history([12] * 8, 2), exact) == finding
	assert benjamini_hochberg({"a": 0.02, "b": 0.04}, 0.04) == {"a", "b"}, "p = rate * i / m is kept"


def test_two_recent_weeks_are_a_window_too():
	two = AlertSettings(baseline_weeks=8, quiet_weeks=1, recent_weeks=2)
	counts = [*[12] * 8, 3, 3]
	finding = judge_source([12, *counts], two)
	assert (finding.kind, finding.recent_weeks, finding.recent_total, finding.baseline_mean) == (
		DROP,
		2,
		6,
		12.0,
	)
	assert finding.this_week == 3 and finding.baseline_weeks == 8


def test_p_values_never_exceed_one_and_bad_counts_are_refused():
	assert rate_ratio_p_values(0, 0, 8) == (1.0, 1.0)
	for args in ((-1, 5, 8), (1, -5, 8), (1, 5, 0), (1, 5, 8, 0)):
		with pytest.raises(ValueError, match="non-negative"):
			rate_ratio_p_values(*args)
	with pytest.raises(ValueError, match="need 12 weeks of counts, got 3"):
		judge_source([1, 2, 3], SETTINGS)


def test_weeks_a_source_sent_nothing_are_missing_and_count_as_none():
	weeks = list(range(SETTINGS.history_weeks))
	only_early = {"PRAC-1": {week: 5 for week in weeks[:-3]}}
	(finding,) = assess_sources(only_early, weeks, SETTINGS).values()
	assert finding.kind == GONE_QUIET


def test_a_source_averaging_exactly_the_minimum_is_judged_over_the_last_weeks_too():
	"""One a week for eight weeks, then four a week for four: a lasting spike, judged over the four."""
	finding = judge_source([1] * 8 + [4] * 4, AlertSettings())
	assert (finding.kind, finding.baseline_mean, finding.recent_weeks, finding.recent_total) == (
		SPIKE,
		1.0,
		4,
		16,
	)


def test_a_week_like_the_baseline_has_a_p_value_of_one_not_more():
	finding = judge_source([3] * 12, AlertSettings(recent_weeks=1))
	assert (finding.p_value, finding.recent_weeks, finding.recent_total) == (1.0, 1, None)


def test_one_referral_after_an_empty_baseline():
	"""Under no change the one referral falls in this week with probability 1 / (k + 1)."""
	assert rate_ratio_p_values(1, 0, 8) == pytest.approx((1.0, 1 / 9))


def test_impossible_counts_are_refused_by_name():
	with pytest.raises(ValueError) as refused:
		rate_ratio_p_values(-1, 5, 8)
	assert str(refused.value) == "counts must be non-negative and the baseline at least one week"
