from datetime import datetime

from referral_crm.core.referrals.sla import (
	DUE,
	NOT_DUE,
	OVERDUE,
	SENT_LATE,
	SENT_ON_TIME,
	note_due_at,
	note_status,
)

SOC = datetime(2026, 11, 16, 10)


def test_due_time_is_start_of_care_plus_the_promise():
	assert note_due_at(SOC, 48) == datetime(2026, 11, 18, 10)
	assert note_due_at(None, 48) is None


def test_the_clock():
	assert note_status(None, None, SOC, 48) == NOT_DUE
	assert note_status(SOC, None, datetime(2026, 11, 18, 9, 59), 48) == DUE
	assert note_status(SOC, None, datetime(2026, 11, 18, 10, 1), 48) == OVERDUE
	assert note_status(SOC, datetime(2026, 11, 18, 10), datetime(2026, 11, 20), 48) == SENT_ON_TIME
	assert note_status(SOC, datetime(2026, 11, 17, 11), datetime(2026, 11, 20), 24) == SENT_LATE


def test_a_note_is_due_up_to_the_deadline_and_overdue_after_it():
	start = datetime(2026, 11, 16, 9)
	assert note_status(start, None, datetime(2026, 11, 18, 9), 48) == DUE
	assert note_status(start, None, datetime(2026, 11, 18, 9, 1), 48) == OVERDUE
