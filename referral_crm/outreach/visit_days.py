"""Each person's touches per day (Visit Day): recounted for the days a saved or deleted visit touches,
for a practice's visits when it moves territory, and for every day each night (whatever changed
visits without saving them). Liaison Activity sums these rows instead of reading every visit."""

from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Date, Max, Min
from frappe.utils import add_days, get_datetime, getdate

DAY = "Visit Day"
MONTH = 31


# One statement counts and writes (parameters only); the row's name is a hash of what it counts.
RECOUNT = """
insert into `tabVisit Day` (name, user, day, referral_territory, channel, outcome, visits, check_ins,
	verified, creation, modified, owner, modified_by)
select substring(sha1(concat_ws('|', user, date(visit_datetime), ifnull(referral_territory, ''),
		ifnull(channel, ''), ifnull(outcome, ''))), 1, 20),
	user, date(visit_datetime), referral_territory, channel, outcome, count(*), count(checked_in_at),
	ifnull(sum(checkin_verified), 0), now(6), now(6), 'Administrator', 'Administrator'
from `tabVisit`
where user is not null and visit_datetime >= %(start)s and visit_datetime < %(end)s
	and (%(user)s is null or user = %(user)s)
group by user, date(visit_datetime), referral_territory, channel, outcome
"""


def _recount(first: date, last: date, user: str | None = None) -> None:
	"""Replace the Visit Day rows of these days (of one person, or everyone's) with fresh counts."""
	day = DocType(DAY)
	condition = (day.day >= first) & (day.day <= last)
	if user:
		condition &= day.user == user
	frappe.qb.from_(day).delete().where(condition).run()
	frappe.db.sql(
		RECOUNT,
		{"start": get_datetime(first), "end": get_datetime(add_days(last, 1)), "user": user},
	)


def recount_days(days: set[tuple[str, date]]) -> None:
	"""Recount these (person, day) pairs."""
	for user, day in days:
		if user and day:
			_recount(getdate(day), getdate(day), user)


def rebuild(first: date, last: date, commit: bool = False) -> None:
	"""Recount every day from `first` to `last`, a month at a time."""
	start, last = getdate(first), getdate(last)
	while start <= last:
		end = min(getdate(add_days(start, MONTH - 1)), last)
		_recount(start, end)
		if commit:
			frappe.db.commit()
		start = getdate(add_days(end, 1))


def rebuild_all(commit: bool = False) -> None:
	visit = DocType("Visit")
	first, last = frappe.qb.from_(visit).select(Min(visit.visit_datetime), Max(visit.visit_datetime)).run()[0]
	day = DocType(DAY)
	if not first:
		frappe.db.delete(DAY)
		return
	first, last = getdate(first), getdate(last)
	frappe.qb.from_(day).delete().where((day.day < first) | (day.day > last)).run()
	rebuild(first, last, commit=commit)


def recount_nightly() -> None:
	"""Daily: every day again, so that bulk changes (a ZIP moved to another territory) show by morning."""
	rebuild_all(commit=True)


COUNTED = (
	"user",
	"visit_datetime",
	"referral_territory",
	"channel",
	"outcome",
	"checked_in_at",
	"checkin_verified",
)


def on_visit_change(doc, method=None) -> None:
	"""Visit on_update and after_delete: the days of its person before and after the change (a save
	that changed nothing counted here, a follow-up or a note, leaves them)."""
	if method == "on_update" and not any(doc.has_value_changed(field) for field in COUNTED):
		return
	days = {(doc.user, getdate(doc.visit_datetime))} if doc.visit_datetime else set()
	previous = doc.get_doc_before_save() if method == "on_update" else None
	if previous and previous.visit_datetime:
		days.add((previous.user, getdate(previous.visit_datetime)))
	recount_days(days)


def on_practice_update(doc, method=None) -> None:
	"""A practice moved to another territory: its visits' days are recounted under the new one."""
	if not doc.has_value_changed("referral_territory"):
		return
	visit = DocType("Visit")
	rows = (
		frappe.qb.from_(visit)
		.select(visit.user, Date(visit.visit_datetime))
		.distinct()
		.where(visit.practice == doc.name)
		.run()
	)
	recount_days({(user, day) for user, day in rows})
