from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.trend import (
	DROP,
	GONE_QUIET,
	SPIKE,
	AlertSettings,
	assess_source,
	assess_sources,
	median,
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
	counts = [2, 2, 3, 2, 2, 3, 2, 2, 0, 0, 0]
	finding = assess_source(counts, SETTINGS)
	assert finding.kind == GONE_QUIET and finding.this_week == 0
	assert finding.p_value < 0.01


def test_three_empty_weeks_are_ordinary_for_a_source_sending_one_a_week():
	# active in 6 of 8 weeks, 1.25 a week: three empty weeks happen by chance 2 % of the time
	counts = [2, 1, 2, 0, 1, 2, 1, 1, 0, 0, 0]
	assert assess_source(counts, SETTINGS) is None


def test_an_occasional_source_going_silent_is_not_quiet():
	counts = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
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
		assert sum(baseline) / SETTINGS.baseline_weeks >= SETTINGS.min_baseline_mean
		assert finding.p_value < SETTINGS.significance


@given(st.integers(0, 60), st.integers(0, 200), st.integers(1, 12))
def test_p_values_are_probabilities_that_cover_every_outcome(x, baseline, weeks):
	low, high = rate_ratio_p_values(x, baseline, weeks)
	assert 0 <= low <= 1 and 0 <= high <= 1
	assert low + high >= 1 - 1e-9  # both tails include P(X = x)


def test_median():
	assert median([]) is None
	assert median([5, 1, 3]) == 3
	assert median([4, 1, 3, 2]) == 2.5
