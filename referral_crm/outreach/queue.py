"""Working an Outreach Queue: one office at a time, log the outcome in a few clicks, then the next office."""

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from referral_crm.core.phone import dial_string, format_phone

VISIT_CHANNEL = {"Call": "Phone Call", "Fax": "Fax", "Email": "Email", "Visit": "In Person"}
OUTCOMES = {
	"Call": (
		"Spoke with Provider",
		"Spoke with Office Staff",
		"Meeting Scheduled",
		"Referral Promised",
		"Left Voicemail",
		"No Answer",
		"Wrong Number",
		"Not Interested",
		"Asked Not to Contact",
	),
	"Fax": ("Sent",),
	"Email": ("Sent",),
	"Visit": (
		"Spoke with Provider",
		"Spoke with Office Staff",
		"Meeting Scheduled",
		"Referral Promised",
		"Left Materials",
		"Not Interested",
		"Asked Not to Contact",
	),
}


def _queue(name: str):
	frappe.has_permission("Outreach Queue", "read", name, throw=True)
	return frappe.get_doc("Outreach Queue", name)


def _next_practice(queue, after: str | None) -> tuple[str | None, bool]:
	"""The next office in name order after `after`; wraps to the first one. (name, wrapped)."""
	filters = queue.practice_filters()
	if after:
		found = frappe.get_list(
			"Practice",
			filters=[*filters, ["Practice", "name", ">", after]],
			pluck="name",
			order_by="name asc",
			limit=1,
		)
		if found:
			return found[0], False
	found = frappe.get_list("Practice", filters=filters, pluck="name", order_by="name asc", limit=1)
	return (found[0] if found else None), bool(after)


def _number(value: str | None) -> dict | None:
	return {"display": format_phone(value), "dial": dial_string(value)} if value else None


def office_card(queue, practice: str) -> dict:
	doc = frappe.get_doc("Practice", practice)
	doc.check_permission("read")
	filters = queue.practice_filters()
	total = len(frappe.get_list("Practice", filters=filters, pluck="name", limit_page_length=0))
	done_before = len(
		frappe.get_list(
			"Practice",
			filters=[*filters, ["Practice", "name", "<", practice]],
			pluck="name",
			limit_page_length=0,
		)
	)
	providers = frappe.get_list(
		"Provider",
		filters=[["Provider Practice", "practice", "=", practice]],
		fields=["name", "provider_name", "specialty", "phone"],
		order_by="provider_name asc",
		limit_page_length=20,
	)
	contacts = frappe.get_list(
		"Contact",
		filters=[
			["Dynamic Link", "link_doctype", "=", "Practice"],
			["Dynamic Link", "link_name", "=", practice],
		],
		fields=["name", "full_name", "phone", "mobile_no", "email_id", "designation"],
		limit_page_length=20,
	)
	touches = frappe.get_list(
		"Visit",
		filters={"practice": practice},
		fields=["name", "visit_datetime", "channel", "outcome", "remarks", "user"],
		order_by="visit_datetime desc",
		limit_page_length=5,
	)
	tasks = frappe.get_list(
		"ToDo",
		filters={
			"reference_type": ("in", ["Practice", "Visit"]),
			"status": "Open",
			"reference_name": ("in", [practice, *[t.name for t in touches]]),
		},
		fields=["name", "description", "date", "allocated_to"],
		order_by="date asc",
		limit_page_length=10,
	)
	return {
		"queue": queue.name,
		"action": queue.action,
		"description": queue.description,
		"outcomes": OUTCOMES[queue.action],
		"position": done_before + 1,
		"total": total,
		"practice": {
			"name": doc.name,
			"practice_name": doc.practice_name,
			"stage": doc.account_stage,
			"address": ", ".join(
				filter(None, (doc.address_line1, doc.address_line2, doc.city, doc.state, doc.zip_code))
			),
			"phone": _number(doc.phone),
			"fax": _number(doc.fax),
			"email": doc.email,
			"last_contact_date": doc.last_contact_date,
			"last_outcome": doc.last_outcome,
			"notes": escape_html(doc.notes or ""),
		},
		"providers": [{**p, "phone": _number(p.phone)} for p in providers],
		"contacts": [{**c, "phone": _number(c.phone or c.mobile_no)} for c in contacts],
		"touches": touches,
		"tasks": tasks,
	}


@frappe.whitelist(methods=["GET"])
def get_current_office(queue: str) -> dict:
	"""Where the user stopped: the office after the last one they worked (the next day too)."""
	frappe.has_permission("Outreach Queue", "read", queue, throw=True)
	queue = frappe.get_doc("Outreach Queue", queue)
	practice, wrapped = _next_practice(queue, queue.position_of(frappe.session.user))
	if not practice:
		return {"queue": queue.name, "empty": True}
	return {**office_card(queue, practice), "wrapped": wrapped}


def _move_on(queue, practice: str) -> dict:
	user = frappe.session.user
	row = next((r for r in queue.positions if r.user == user), None) or queue.append(
		"positions", {"user": user}
	)
	row.last_practice, row.updated_at = practice, now_datetime()
	queue.flags.ignore_permissions = True  # a position is not an edit of the queue
	queue.save()
	return get_current_office(queue.name)


@frappe.whitelist(methods=["POST"])
def log_outcome(
	queue: str,
	practice: str,
	outcome: str,
	remarks: str | None = None,
	next_step: str | None = None,
	follow_up_date: str | None = None,
	call: str | None = None,
	meeting_time: str | None = None,
) -> dict:
	"""Log the touch as a Visit (with its follow-up ToDo) and return the next office. With a dialled
	`call`, the person's words go on the Visit that call wrote (never a second Visit)."""
	queue = _queue(queue)
	frappe.has_permission("Visit", "create", throw=True)
	frappe.has_permission("Practice", "read", practice, throw=True)
	if outcome not in OUTCOMES[queue.action]:
		frappe.throw(_("Choose what happened."), title=_("Outcome Required"))
	if call:
		from referral_crm.outreach.telephony import log_call_outcome

		frappe.has_permission("Outreach Call", "read", call, throw=True)
		if frappe.db.get_value("Outreach Call", call, "practice") != practice:
			frappe.throw(_("That call was to another office."))
		visit = log_call_outcome(call, outcome, remarks, next_step, follow_up_date)
		if meeting_time and visit:
			frappe.db.set_value("Visit", visit, "meeting_time", meeting_time)
		return _move_on(queue, practice)
	frappe.get_doc(
		{
			"doctype": "Visit",
			"practice": practice,
			"channel": VISIT_CHANNEL[queue.action],
			"outcome": outcome,
			"remarks": remarks,
			"next_step": next_step,
			"follow_up_date": follow_up_date or None,
			"meeting_time": meeting_time or None,
		}
	).insert()
	return _move_on(queue, practice)


@frappe.whitelist(methods=["POST"])
def skip_office(queue: str, practice: str) -> dict:
	"""Leave this office for the next round."""
	queue = _queue(queue)
	frappe.has_permission("Practice", "read", practice, throw=True)
	return _move_on(queue, practice)


@frappe.whitelist(methods=["POST"])
def start_todays_calls() -> str:
	"""The caller's own queue over today's work list: made once, then reused, so they resume where they stopped."""
	frappe.has_permission("Visit", "create", throw=True)
	user = frappe.session.user
	if existing := frappe.db.get_value("Outreach Queue", {"work_list_of": user}, "name"):
		frappe.has_permission("Outreach Queue", "read", existing, throw=True)
		return existing
	queue = frappe.get_doc(
		{
			"doctype": "Outreach Queue",
			"queue_name": _("Today's calls: {0}").format(frappe.utils.get_fullname(user)),
			"action": "Call",
			"work_list_of": user,
			"account_stages": "",  # every stage the work list holds, not only targets
			"description": _("The calls on {0}'s work list of the day, not yet made.").format(
				frappe.utils.get_fullname(user)
			),
		}
	)
	queue.flags.ignore_permissions = True  # a caller's own queue over their own work list
	queue.insert()
	if queue.account_stages:  # the field's default for a hand-made queue is "Target"
		queue.db_set("account_stages", "")
	return queue.name
