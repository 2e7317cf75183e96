from datetime import date, datetime

from referral_crm.core.referrals.rollup import PRACTICE, PROVIDER, ReferralRow, median, weekly_rollup

NOW = datetime(2026, 11, 22, 12)
MON_16 = date(2026, 11, 16)
MON_09 = date(2026, 11, 9)


def test_received_admitted_conversion_and_time_to_start_of_care():
	rows = [
		ReferralRow(
			"P1",
			"D1",
			datetime(2026, 11, 10, 9),
			"Admitted",
			datetime(2026, 11, 11, 9),
			datetime(2026, 11, 12, 8),
		),
		ReferralRow("P1", "D1", datetime(2026, 11, 12, 9), "Discharged", datetime(2026, 11, 16, 15), None),
		ReferralRow("P1", None, datetime(2026, 11, 13, 9), "Not Admitted"),
		ReferralRow("P1", None, datetime(2026, 11, 13, 9), "Cancelled"),
		ReferralRow("P1", "D2", datetime(2026, 11, 17, 9), "Received"),
	]
	out = weekly_rollup(rows, 0, 48, NOW)
	week = out[(PRACTICE, "P1", MON_09)]
	assert (week.received, week.admitted_of_received, week.admitted) == (3, 2, 1)
	assert week.median_hours_to_soc == (24 + 102) / 2
	assert (week.notes_due, week.notes_on_time) == (1, 1)  # sent 23 h after start of care

	next_week = out[(PRACTICE, "P1", MON_16)]
	assert (next_week.received, next_week.admitted) == (1, 1)
	assert (next_week.notes_due, next_week.notes_on_time) == (1, 0)  # 48 h passed, no note sent

	assert out[(PROVIDER, "D1", MON_09)].received == 2
	assert out[(PROVIDER, "D2", MON_16)].received == 1


def test_a_note_not_yet_due_is_not_counted_against_the_office():
	rows = [ReferralRow("P1", None, datetime(2026, 11, 20, 9), "Admitted", datetime(2026, 11, 21, 9))]
	week = weekly_rollup(rows, 0, 48, NOW)[(PRACTICE, "P1", MON_16)]
	assert (week.notes_due, week.notes_on_time) == (0, 0)


def test_week_start_setting_moves_the_buckets():
	rows = [ReferralRow("P1", None, datetime(2026, 11, 22, 9), "Received")]  # a Sunday
	assert list(weekly_rollup(rows, 0, 48, NOW)) == [(PRACTICE, "P1", MON_16)]
	assert list(weekly_rollup(rows, 6, 48, NOW)) == [(PRACTICE, "P1", date(2026, 11, 22))]


def test_median():
	assert median([]) is None
	assert median([5, 1, 3]) == 3
	assert median([4, 1, 3, 2]) == 2.5


def test_two_admissions_in_a_week_count_two_and_their_notes_are_judged_at_the_deadline():
	"""A note sent at the deadline is on time; a deadline reached with no note is not yet late."""
	start = datetime(2026, 11, 16, 9)
	rows = [
		ReferralRow("P1", None, datetime(2026, 11, 13, 9), "Cancelled", start),
		ReferralRow("P1", None, datetime(2026, 11, 13, 9), "Admitted", start, datetime(2026, 11, 18, 9)),
		ReferralRow("P1", None, datetime(2026, 11, 14, 9), "Admitted", start, datetime(2026, 11, 18, 9)),
		ReferralRow("P1", None, datetime(2026, 11, 14, 9), "Admitted", datetime(2026, 11, 20, 12)),
		ReferralRow("P1", None, datetime(2026, 11, 14, 9), "Received", datetime(2026, 11, 17, 9)),
		ReferralRow(None, "D1", datetime(2026, 11, 14, 9), "Received"),
	]
	week = weekly_rollup(rows, 0, 48, NOW)[(PRACTICE, "P1", MON_16)]
	assert (week.admitted, week.notes_due, week.notes_on_time) == (3, 2, 2)
	assert weekly_rollup(rows, 0, 48, NOW)[(PRACTICE, "P1", MON_09)].received == 4
	assert weekly_rollup(rows, 0, 48, NOW)[(PROVIDER, "D1", MON_09)].received == 1
