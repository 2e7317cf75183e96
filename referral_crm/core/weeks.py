"""Referral weeks: every count is per week, and an agency chooses which day its week starts."""

from datetime import date, datetime, timedelta

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_number(name: str | None) -> int:
	"""0 for Monday ... 6 for Sunday; Monday (ISO) when unset."""
	return WEEKDAYS.index(name) if name in WEEKDAYS else 0


def week_start(day: date | datetime, first_weekday: int = 0) -> date:
	if isinstance(day, datetime):
		day = day.date()
	return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def last_complete_week(today: date | datetime, first_weekday: int = 0) -> date:
	"""Start of the most recent week that has fully ended before `today`."""
	return week_start(today, first_weekday) - timedelta(days=7)


def weeks_ending(last_week: date, count: int) -> list[date]:
	"""`count` consecutive week starts, oldest first, the last one being `last_week`."""
	return [last_week - timedelta(days=7 * back) for back in range(count - 1, -1, -1)]
