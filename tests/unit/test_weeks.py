from datetime import date, datetime

from referral_crm.core.weeks import last_complete_week, week_start, weekday_number, weeks_ending


def test_iso_week_starts_on_monday():
	assert week_start(date(2026, 11, 22)) == date(2026, 11, 16)  # a Sunday
	assert week_start(datetime(2026, 11, 16, 0, 5)) == date(2026, 11, 16)


def test_sunday_weeks():
	sunday = weekday_number("Sunday")
	assert week_start(date(2026, 11, 22), sunday) == date(2026, 11, 22)
	assert week_start(date(2026, 11, 21), sunday) == date(2026, 11, 15)


def test_last_complete_week_is_the_one_before_this_week():
	assert last_complete_week(date(2026, 11, 23)) == date(2026, 11, 16)  # Monday morning
	assert last_complete_week(date(2026, 11, 22)) == date(2026, 11, 9)


def test_weeks_ending_lists_oldest_first():
	assert weeks_ending(date(2026, 11, 16), 3) == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]


def test_unknown_day_means_monday():
	assert weekday_number(None) == 0


def test_the_last_complete_week_starts_on_the_chosen_weekday():
	from datetime import date

	from referral_crm.core.weeks import last_complete_week

	assert last_complete_week(date(2026, 11, 25)) == date(2026, 11, 16)
	assert last_complete_week(date(2026, 11, 25), 6) == date(2026, 11, 15)
