from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.referral_intelligence.reports import (
	FunnelStep,
	funnel,
	liaison_weeks,
	percent,
	source_card_from_rollup,
	week_over_week,
)


def test_week_over_week():
	assert week_over_week([4, 6, 3]) == (-3, -50.0)
	assert week_over_week([0, 2]) == (2, None)
	assert week_over_week([5]) == (None, None)


def test_percent():
	assert percent(1, 3) == 33.3
	assert percent(1, 0) is None


def test_funnel_counts_and_losses():
	steps = funnel(
		{
			"Received": 3,
			"In Review": 1,
			"Accepted": 2,
			"Admitted": 3,
			"Discharged": 1,
			"Not Admitted": 2,
			"Cancelled": 5,
		},
		6,
	)
	assert steps == [
		FunnelStep("Received", 12, 100.0, None),
		FunnelStep("Accepted", 6, 50.0, 6),
		FunnelStep("Admitted", 4, 33.3, 2),
		FunnelStep("Discharged", 1, 8.3, 3),
	]


def test_liaison_weeks_by_hand():
	visits = [
		{
			"user": "a",
			"visit_datetime": datetime(2026, 11, 10, 9),
			"channel": "In Person",
			"outcome": "Spoke with Provider",
		},
		{"user": "a", "visit_datetime": datetime(2026, 11, 11, 9), "channel": "Fax", "outcome": "Sent"},
		{
			"user": "a",
			"visit_datetime": datetime(2026, 11, 17, 9),
			"channel": "Phone Call",
			"outcome": "No Answer",
		},
	]
	referrals = [
		{"user": "a", "received_at": datetime(2026, 11, 12, 9), "status": "Received"},
		{"user": "a", "received_at": datetime(2026, 11, 12, 9), "status": "Cancelled"},
	]
	rows = liaison_weeks(visits, referrals, 0, ["In Person", "Phone Call", "Fax"])
	assert [
		(r["week_start"], r["visits"], r["In Person"], r["Fax"], r["reached"], r["referrals"]) for r in rows
	] == [
		(date(2026, 11, 9), 2, 1, 1, 1, 1),
		(date(2026, 11, 16), 1, 0, 0, 0, 0),
	]
	assert rows[0]["reached_share"] == 50.0


def test_liaison_weeks_count_check_ins_and_the_share_verified_at_the_office():
	from datetime import datetime

	visits = [
		{
			"user": "ana",
			"visit_datetime": datetime(2026, 11, 23, 9),
			"channel": "In Person",
			"outcome": "Left Materials",
			"checked_in_at": datetime(2026, 11, 23, 9),
			"checkin_verified": 1,
		},
		{
			"user": "ana",
			"visit_datetime": datetime(2026, 11, 23, 11),
			"channel": "In Person",
			"outcome": "Left Materials",
			"checked_in_at": datetime(2026, 11, 23, 11),
			"checkin_verified": 0,
		},
		{
			"user": "ana",
			"visit_datetime": datetime(2026, 11, 24, 9),
			"channel": "Phone Call",
			"outcome": "No Answer",
		},
	]
	(row,) = liaison_weeks(visits, [], 0, ["In Person", "Phone Call"])
	assert (row["check_ins"], row["verified"], row["verified_share"]) == (2, 1, 50.0)


def test_liaison_weeks_from_counts_match_the_visits_one_by_one():
	from collections import Counter

	channels = ["In Person", "Phone Call", "Fax"]
	visits = [
		{
			"user": user,
			"visit_datetime": datetime(2026, 11, 9 + day, 9),
			"channel": channel,
			"outcome": outcome,
			"checked_in_at": datetime(2026, 11, 9 + day, 9) if checked else None,
			"checkin_verified": 1 if checked == 2 else 0,
		}
		for user in ("a", "b")
		for day in range(0, 14, 3)
		for channel, outcome, checked in (
			("In Person", "Spoke with Provider", 2),
			("Fax", "Sent", 0),
			("In Person", "No Answer", 1),
		)
	]
	referrals = [
		{"user": "a", "received_at": datetime(2026, 11, 12, 9), "status": "Received"},
		{"user": "a", "received_at": datetime(2026, 11, 13, 9), "status": "Received"},
		{"user": "b", "received_at": datetime(2026, 11, 18, 9), "status": "Cancelled"},
	]
	grouped_visits = Counter()
	check_ins, verified = Counter(), Counter()
	for v in visits:
		key = (
			v["user"],
			v["visit_datetime"].date() - timedelta(days=v["visit_datetime"].weekday()),
			v["channel"],
			v["outcome"],
		)
		grouped_visits[key] += 1
		check_ins[key] += 1 if v["checked_in_at"] else 0
		verified[key] += v["checkin_verified"]
	grouped = [
		{
			"user": u,
			"week": w,
			"channel": c,
			"outcome": o,
			"visits": n,
			"check_ins": check_ins[(u, w, c, o)],
			"verified": verified[(u, w, c, o)],
		}
		for (u, w, c, o), n in grouped_visits.items()
	]
	grouped_referrals = [
		{"user": "a", "week": date(2026, 11, 9), "status": "Received", "referrals": 2},
		{"user": "b", "week": date(2026, 11, 16), "status": "Cancelled", "referrals": 1},
	]
	assert liaison_weeks(grouped, grouped_referrals, 0, channels) == liaison_weeks(
		visits, referrals, 0, channels
	)


def test_a_funnel_with_no_admission_or_discharge_yet():
	steps = funnel({"Received": 4}, 0)
	assert [(s.stage, s.referrals, s.lost) for s in steps] == [
		("Received", 4, None),
		("Accepted", 0, 4),
		("Admitted", 0, 0),
		("Discharged", 0, 0),
	]


def test_a_card_lists_the_three_commonest_non_admit_reasons():
	from collections import Counter

	from referral_crm.core.referral_intelligence.reports import SourceCard

	card = SourceCard(
		non_admit_reasons=Counter({"Other": 4, "No-Show": 3, "Patient Declined": 2, "Unable to Reach": 1})
	)
	assert card.top_reasons() == "Other (4), No-Show (3), Patient Declined (2)"


def test_a_liaisons_week_counts_every_referral_but_cancelled_ones_from_the_chosen_weekday():
	referrals = [
		{"user": "a", "received_at": datetime(2026, 11, 15, 9), "status": "Received"},  # a Sunday
		{"user": "a", "received_at": datetime(2026, 11, 16, 9), "status": "Admitted"},
		{"user": "a", "received_at": datetime(2026, 11, 16, 9), "status": "Cancelled"},
	]
	rows = liaison_weeks([], referrals, 6, ["In Person"])
	assert [(r["week_start"], r["referrals"]) for r in rows] == [(date(2026, 11, 15), 2)]


def _referrals(seed: int) -> list:
	import random

	from referral_crm.core.referrals.rollup import ReferralRow

	rng = random.Random(seed)
	rows = []
	for _ in range(300):
		received = datetime(2026, 9, 1, 8) + timedelta(minutes=rng.randrange(12 * 7 * 24 * 60))
		status = rng.choice(["Received", "Admitted", "Discharged", "Not Admitted", "Cancelled"])
		care = (
			received + timedelta(seconds=rng.randrange(1, 400 * 3600))
			if status in ("Admitted", "Discharged")
			else None
		)
		reason = (
			rng.choice([None, "Insurance Not Accepted", "No-Show", "Out of Area, Rural"])
			if status == "Not Admitted"
			else None
		)
		rows.append(ReferralRow(rng.choice(["P1", "P2"]), None, received, status, care, None, reason))
	return rows


@given(st.integers(0, 10_000))
def test_a_source_card_from_the_weekly_rollup_equals_one_from_every_referral(seed):
	"""The scorecard's median and reasons, read from the weeks' rollup text as the database joins it,
	are those of the referrals themselves."""
	from collections import Counter

	from referral_crm.core.referrals.rollup import PRACTICE, median, weekly_rollup

	referrals = _referrals(seed)
	weeks = weekly_rollup(referrals, 0, 48, datetime(2027, 1, 1))
	for source in ("P1", "P2"):
		mine = [w for (t, s, _), w in sorted(weeks.items()) if t == PRACTICE and s == source]
		joined_hours = ",".join(filter(None, (w.hours_text() for w in mine)))
		joined_reasons = ",".join(filter(None, (w.reasons_text() for w in mine)))
		card = source_card_from_rollup(joined_hours or None, joined_reasons or None)

		own = [r for r in referrals if r.practice == source]
		hours = [(r.start_of_care - r.received_at).total_seconds() / 3600 for r in own if r.start_of_care]
		exact = median(hours)
		assert (card.median_hours_to_soc is None) == (exact is None)
		if exact is not None:
			assert abs(card.median_hours_to_soc - exact) <= 0.051
		reasons = Counter(r.non_admit_reason or "Other" for r in own if r.status == "Not Admitted")
		assert card.non_admit_reasons == reasons


def test_a_card_with_no_admissions_or_reasons_is_empty():
	card = source_card_from_rollup(None, None)
	assert card.median_hours_to_soc is None and card.top_reasons() == ""
	assert source_card_from_rollup("1000.000", None).median_hours_to_soc == 1000.0
