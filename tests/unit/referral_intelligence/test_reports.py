from datetime import date, datetime, timedelta

from referral_crm.core.referral_intelligence.reports import (
	FunnelStep,
	funnel,
	liaison_weeks,
	percent,
	source_cards,
	week_over_week,
)


def test_week_over_week():
	assert week_over_week([4, 6, 3]) == (-3, -50.0)
	assert week_over_week([0, 2]) == (2, None)
	assert week_over_week([5]) == (None, None)


def test_percent():
	assert percent(1, 3) == 33.3
	assert percent(1, 0) is None


def test_source_cards_by_hand():
	rows = [
		{
			"source": "P1",
			"status": "Admitted",
			"received_at": datetime(2026, 11, 2, 8),
			"start_of_care": datetime(2026, 11, 3, 8),
		},
		{
			"source": "P1",
			"status": "Discharged",
			"received_at": datetime(2026, 11, 2, 8),
			"start_of_care": datetime(2026, 11, 5, 8),
		},
		{
			"source": "P1",
			"status": "Not Admitted",
			"received_at": datetime(2026, 11, 2, 8),
			"non_admit_reason": "Insurance Not Accepted",
		},
		{
			"source": "P1",
			"status": "Not Admitted",
			"received_at": datetime(2026, 11, 2, 8),
			"non_admit_reason": "Insurance Not Accepted",
		},
		{
			"source": "P1",
			"status": "Not Admitted",
			"received_at": datetime(2026, 11, 2, 8),
			"non_admit_reason": None,
		},
		{"source": "P2", "status": "Received", "received_at": datetime(2026, 11, 2, 8)},
	]
	cards = source_cards(rows)
	assert cards["P1"].median_hours_to_soc == 48.0
	assert cards["P1"].top_reasons() == "Insurance Not Accepted (2), Other (1)"
	assert cards["P2"].median_hours_to_soc is None


def test_source_cards_from_the_databases_hours_and_counts_match():
	one_by_one = [
		{
			"source": "P1",
			"status": "Admitted",
			"received_at": datetime(2026, 11, 2, 8),
			"start_of_care": datetime(2026, 11, 3, 8),
		},
		{
			"source": "P1",
			"status": "Discharged",
			"received_at": datetime(2026, 11, 2, 8),
			"start_of_care": datetime(2026, 11, 5, 8),
		},
		{
			"source": "P1",
			"status": "Admitted",
			"received_at": datetime(2026, 11, 2, 8),
			"start_of_care": None,
		},
		*[{"source": "P1", "status": "Not Admitted", "non_admit_reason": "Insurance Not Accepted"}] * 2,
		{"source": "P1", "status": "Not Admitted", "non_admit_reason": None},
	]
	grouped = [
		{"source": "P1", "status": "Admitted", "hours_to_soc": 24.0},
		{"source": "P1", "status": "Discharged", "hours_to_soc": 72.0},
		{
			"source": "P1",
			"status": "Not Admitted",
			"non_admit_reason": "Insurance Not Accepted",
			"referrals": 2,
		},
		{"source": "P1", "status": "Not Admitted", "non_admit_reason": None, "referrals": 1},
	]
	a, b = source_cards(one_by_one)["P1"], source_cards(grouped)["P1"]
	assert (
		(a.median_hours_to_soc, a.top_reasons())
		== (b.median_hours_to_soc, b.top_reasons())
		== (
			48.0,
			"Insurance Not Accepted (2), Other (1)",
		)
	)


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


def test_a_slow_start_of_care_is_counted_in_whole_hours():
	rows = [
		{
			"source": "P1",
			"status": "Admitted",
			"received_at": datetime(2026, 10, 1, 8),
			"start_of_care": datetime(2026, 10, 1, 8) + timedelta(hours=1000),
		}
	]
	assert source_cards(rows)["P1"].median_hours_to_soc == 1000.0


def test_a_liaisons_week_counts_every_referral_but_cancelled_ones_from_the_chosen_weekday():
	referrals = [
		{"user": "a", "received_at": datetime(2026, 11, 15, 9), "status": "Received"},  # a Sunday
		{"user": "a", "received_at": datetime(2026, 11, 16, 9), "status": "Admitted"},
		{"user": "a", "received_at": datetime(2026, 11, 16, 9), "status": "Cancelled"},
	]
	rows = liaison_weeks([], referrals, 6, ["In Person"])
	assert [(r["week_start"], r["referrals"]) for r in rows] == [(date(2026, 11, 15), 2)]
