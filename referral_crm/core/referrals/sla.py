"""The visit-note promise: after start of care the note goes to the referring office within N hours."""

from datetime import datetime, timedelta

NOT_DUE = ""
DUE = "Due"
OVERDUE = "Overdue"
SENT_ON_TIME = "Sent on Time"
SENT_LATE = "Sent Late"
NOTE_STATUSES = (NOT_DUE, DUE, OVERDUE, SENT_ON_TIME, SENT_LATE)


def note_due_at(start_of_care: datetime | None, sla_hours: float) -> datetime | None:
	return start_of_care + timedelta(hours=sla_hours) if start_of_care else None


def note_status(
	start_of_care: datetime | None, sent_at: datetime | None, now: datetime, sla_hours: float
) -> str:
	due = note_due_at(start_of_care, sla_hours)
	if due is None:
		return NOT_DUE
	if sent_at:
		return SENT_ON_TIME if sent_at <= due else SENT_LATE
	return OVERDUE if now > due else DUE
