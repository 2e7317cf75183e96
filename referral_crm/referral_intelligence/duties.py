"""Start my day: each role's duties in one list, the next action first.

Every list is read from open records (nothing is stored), so it is the same tomorrow if nothing was
done and shrinks as work is logged; every item opens the record where the action is."""

from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max
from frappe.utils import add_days, get_datetime, get_fullname, getdate, now_datetime, today

from referral_crm.core.referral_intelligence.duties import Duty, order_duties
from referral_crm.core.referrals.referral import IN_REVIEW, RECEIVED, missing_for_review
from referral_crm.field.my_day import build_my_day

COORDINATOR = "Referral Coordinator"
INTAKE = "Intake Coordinator"
LIAISON = "Physician Liaison"
SETTER = "Appointment Setter"
MANAGER = "Referral Marketing Manager"
THANK_WITHIN_DAYS = 14


def _form(doctype: str, name: str) -> tuple[str, ...]:
	return ("Form", doctype, name)


def _practice_names(names) -> dict[str, str]:
	wanted = [n for n in set(names) if n]
	return dict(
		frappe.get_list(
			"Practice",
			filters={"name": ("in", wanted or [""])},
			fields=["name", "practice_name"],
			as_list=True,
		)
	)


def coordinator_duties(user: str, day) -> list[Duty]:
	duties = []
	notes = frappe.get_list(
		"Referral",
		filters={
			"visit_note_sent_at": ("is", "not set"),
			"visit_note_due_at": ("is", "set"),
			"status": ("in", ("Admitted", "Discharged")),
		},
		or_filters=[["attributed_coordinator", "=", user], ["attributed_coordinator", "is", "not set"]],
		fields=["name", "referring_practice", "visit_note_due_at"],
		order_by="visit_note_due_at asc",
		limit_page_length=0,
	)
	offices = _practice_names(r.referring_practice for r in notes)
	for r in notes:
		duties.append(
			Duty(
				"visit_note",
				_("Send the visit note for {0}").format(r.name),
				_("to {0}, due {1}").format(
					offices.get(r.referring_practice) or _("the referring office"),
					frappe.format(r.visit_note_due_at, "Datetime"),
				),
				due=getdate(r.visit_note_due_at),
				route=_form("Referral", r.name),
				action=_("Send Visit Note"),
			)
		)
	for a in frappe.get_list(
		"Referral Source Alert",
		filters={"status": "Open", "referral_coordinator": user},
		fields=["name", "kind", "source_name", "this_week", "baseline_mean", "week_start"],
		order_by="week_start desc",
		limit_page_length=0,
	):
		duties.append(
			Duty(
				"alert",
				_("Call {0}: referrals {1}").format(a.source_name, _(a.kind).lower()),
				_("{0} this week against {1:.1f} usually").format(a.this_week, a.baseline_mean or 0),
				due=add_days(a.week_start, 7),
				route=_form("Referral Source Alert", a.name),
				action=_("Call the Office"),
			)
		)
	for p in frappe.get_list(
		"Partner Issue",
		filters={"status": ("in", ("Open", "In Progress")), "assigned_to": user},
		fields=["name", "practice_name", "issue_type", "due_date"],
		order_by="due_date asc",
		limit_page_length=0,
	):
		duties.append(
			Duty(
				"partner_issue",
				_("{0}: {1}").format(p.practice_name, _(p.issue_type)),
				_("partner issue {0}").format(p.name),
				due=getdate(p.due_date) if p.due_date else None,
				route=_form("Partner Issue", p.name),
				action=_("Resolve"),
			)
		)
	duties += _first_referrals_to_thank(user, day)
	return duties


def _first_referrals_to_thank(user: str, day) -> list[Duty]:
	"""Offices that became referring lately and have had no touch since: a thank-you call."""
	since = add_days(day, -THANK_WITHIN_DAYS)
	changes = frappe.get_all(
		"Account Stage Change",
		filters={"to_stage": "Referring", "changed_at": (">=", since)},
		fields=["practice", "practice_name", "changed_at"],
		order_by="changed_at asc",
	)
	mine = set(
		frappe.get_list(
			"Practice",
			filters={"name": ("in", [c.practice for c in changes] or [""]), "referral_coordinator": user},
			pluck="name",
		)
	)
	changes = [c for c in changes if c.practice in mine]
	visit = DocType("Visit")
	last_touch = dict(  # each office's latest touch, in one query
		frappe.qb.from_(visit)
		.select(visit.practice, Max(visit.visit_datetime))
		.where(visit.practice.isin([c.practice for c in changes] or [""]))
		.groupby(visit.practice)
		.run()
	)
	duties = []
	for change in changes:
		if last_touch.get(change.practice) and last_touch[change.practice] >= change.changed_at:
			continue
		duties.append(
			Duty(
				"thank",
				_("Thank {0} for its first referral").format(change.practice_name),
				_("referring since {0}").format(frappe.format(change.changed_at, "Date")),
				due=getdate(change.changed_at) + timedelta(days=1),
				route=_form("Practice", change.practice),
				action=_("Log the Call"),
			)
		)
	return duties


def intake_duties(user: str, day) -> list[Duty]:
	rows = frappe.get_list(
		"Referral",
		filters={"status": ("in", (RECEIVED, IN_REVIEW))},
		fields=[
			"name",
			"received_at",
			"referring_practice",
			"referring_provider",
			"patient_date_of_birth",
			"patient_phone",
			"insurance_payer",
			"insurance_member_id",
			"diagnosis",
			"service_line",
		],
		order_by="received_at asc",
		limit_page_length=0,  # every referral waiting: none is left off the list
	)
	offices = _practice_names(r.referring_practice for r in rows)
	files = {}
	for f in frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": "Referral",
			"attached_to_name": ("in", [r.name for r in rows] or [""]),
		},
		fields=["attached_to_name"],
	):
		files[f.attached_to_name] = files.get(f.attached_to_name, 0) + 1
	duties = []
	for r in rows:
		missing = missing_for_review(r, files.get(r.name, 0))
		waited = now_datetime() - get_datetime(r.received_at)
		duties.append(
			Duty(
				"review",
				_("Review {0} from {1}").format(
					r.name, offices.get(r.referring_practice) or _("an unknown office")
				),
				_("missing: {0}").format(", ".join(_(m) for m in missing))
				if missing
				else _("complete: decide"),
				due=getdate(r.received_at),
				route=_form("Referral", r.name),
				action=_("Review"),
				extra={"hours_waiting": round(waited.total_seconds() / 3600, 1), "missing": missing},
			)
		)
	return duties


def liaison_duties(user: str, day) -> list[Duty]:
	name = frappe.db.get_value("Route Plan", {"user": user, "route_date": day}, "name")
	if not name and frappe.has_permission("Route Plan", "create"):
		name = build_my_day(user, day)
	if not name:
		return []
	plan = frappe.get_doc("Route Plan", name)
	visited = set(
		frappe.get_list("Visit", filters={"user": user, "visit_datetime": (">=", day)}, pluck="practice")
	)
	return [
		Duty(
			"stop",
			_("{0}. {1}").format(row.idx, row.practice_name),
			" · ".join(
				filter(None, [row.reason, _("arrive {0}").format(row.arrival) if row.arrival else None])
			),
			due=day,
			route=("my-day",),
			action=_("Open My Day"),
		)
		for row in plan.stops
		if row.practice not in visited
	]


def setter_duties(user: str, day) -> list[Duty]:
	lists = frappe.get_all(
		"Outreach Work List",
		filters={"user": user, "work_date": ("<=", day)},
		pluck="name",
		order_by="work_date desc",
		limit=1,
	)
	calls = frappe.get_all(
		"Outreach Work List Item",
		filters={
			"parent": ("in", lists or [""]),
			"parenttype": "Outreach Work List",
			"channel": "Call",
			"done": 0,
		},
		fields=["practice_name"],
		order_by="idx asc",
	)
	if not calls:
		return []
	return [
		Duty(
			"call",
			_("Start calling: {0} calls on today's list").format(len(calls)),
			_("next: {0}").format(calls[0].practice_name),
			due=day,
			route=(),
			action=_("Start Calling"),
			extra={"start_calling": True},
		)
	]


def manager_duties(user: str, day) -> list[Duty]:
	duties = []
	week_ago = add_days(day, -7)
	for a in frappe.get_list(
		"Referral Source Alert",
		filters={"creation": (">=", week_ago)},
		fields=["name", "kind", "source_name", "status", "notes", "referral_coordinator", "liaison"],
		order_by="creation desc",
		limit_page_length=0,
	):
		owner = (
			get_fullname(a.referral_coordinator or a.liaison)
			if (a.referral_coordinator or a.liaison)
			else _("nobody")
		)
		done = _("done: {0}").format(a.notes) if a.notes else _("{0}, with {1}").format(_(a.status), owner)
		duties.append(
			Duty(
				"alert",
				_("{0}: {1}").format(a.source_name, _(a.kind)),
				done,
				due=None if a.status != "Open" else day,
				route=_form("Referral Source Alert", a.name),
				action=_("Open Alert"),
			)
		)
	# Follow-ups read through the visits the manager may read (Frappe 15.74 shows a manager only their
	# own ToDos), then whether each ToDo is still open.
	visits = frappe.get_list(
		"Visit",
		filters=[["follow_up_date", "<", day], ["follow_up_todo", "is", "set"]],
		fields=["user", "follow_up_date", "follow_up_todo"],
		limit_page_length=0,
	)
	still_open = set(
		frappe.get_all(
			"ToDo",
			filters={"name": ("in", [v.follow_up_todo for v in visits] or [""]), "status": "Open"},
			pluck="name",
		)
	)
	overdue = {}
	for visit in visits:
		if visit.follow_up_todo not in still_open:
			continue
		count, oldest = overdue.get(visit.user, (0, visit.follow_up_date))
		overdue[visit.user] = (count + 1, min(oldest, visit.follow_up_date))
	for person, (count, oldest) in overdue.items():
		duties.append(
			Duty(
				"overdue",
				_("{0}: {1} overdue").format(get_fullname(person), count),
				_("oldest due {0}").format(frappe.format(oldest, "Date")),
				due=getdate(oldest),
				route=("List", "Visit", "List"),
				action=_("See Them"),
				extra={"route_options": {"user": person, "follow_up_date": ["<", str(day)]}},
			)
		)
	duties += _activity_against_cadence(day)
	return duties


def _activity_against_cadence(day) -> list[Duty]:
	"""This week's touches per person against the touches their work lists asked for."""
	start = add_days(day, -getdate(day).weekday())
	asked: dict[str, int] = {}
	for row in frappe.get_list(
		"Outreach Work List",
		filters={"work_date": ("between", (start, day))},
		fields=["user", "item_count"],
		limit_page_length=0,
	):
		asked[row.user] = asked.get(row.user, 0) + (row.item_count or 0)
	done: dict[str, int] = {}
	for user in frappe.get_list(
		"Visit", filters={"visit_datetime": (">=", start)}, pluck="user", limit_page_length=0
	):
		done[user] = done.get(user, 0) + 1
	return [
		Duty(
			"activity",
			_("{0}: {1} of {2} touches this week").format(get_fullname(user), done.get(user, 0), count),
			_("{0}% of the cadence").format(round(100 * done.get(user, 0) / count)) if count else "",
			route=("query-report", "Liaison Activity"),
			action=_("Open Report"),
		)
		for user, count in sorted(asked.items(), key=lambda kv: done.get(kv[0], 0) / (kv[1] or 1))
	]


BUILDERS = {
	LIAISON: (_("Your route today"), liaison_duties),
	SETTER: (_("Your calls today"), setter_duties),
	COORDINATOR: (_("Your offices today"), coordinator_duties),
	INTAKE: (_("Referrals waiting for review, oldest first"), intake_duties),
	MANAGER: (_("This week"), manager_duties),
}


@frappe.whitelist(methods=["GET"])
def get_my_duties() -> list[dict]:
	"""One section per role the user holds, each item with where it opens; the most urgent first."""
	user, day = frappe.session.user, getdate(today())
	roles = set(frappe.get_roles(user))
	if roles.isdisjoint(BUILDERS):
		return []
	frappe.only_for(list(BUILDERS))  # each list below is built only for a role its reader holds
	sections = []
	for role, (title, build) in BUILDERS.items():
		if role not in roles:
			continue
		items = order_duties(build(user, day), day)
		sections.append(
			{
				"role": role,
				"title": title,
				"items": [
					{
						"kind": d.kind,
						"title": d.title,
						"detail": d.detail,
						"due": str(d.due) if d.due else None,
						"overdue_days": d.days_overdue(day) if d.due and d.due < day else 0,
						"route": list(d.route),
						"action": d.action,
						**d.extra,
					}
					for d in items
				],
			}
		)
	return sections
