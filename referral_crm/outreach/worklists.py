"""Each morning, each person's work list: the offices their cadence says to call, fax, email, mail or visit today."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_days, getdate, today

from referral_crm.core.outreach.cadence import (
	CALL,
	DEFAULT_CADENCES,
	EMAIL,
	FAX,
	POSTCARD,
	VISIT,
	Cadence,
	Caps,
	Office,
	Touch,
	build_work_list,
)

SETTINGS = "Referral CRM Settings"
WORK_LIST = "Outreach Work List"
CHANNEL_OF_VISIT = {
	"Phone Call": CALL,
	"Fax": FAX,
	"Email": EMAIL,
	"Postcard": POSTCARD,
	"In Person": VISIT,
	"Lunch and Learn": VISIT,
	"Drop Off": VISIT,
}
LABEL = {CALL: "Call", FAX: "Fax", EMAIL: "Email", POSTCARD: "Postcard", VISIT: "Visit"}


def cadences() -> dict[str, Cadence]:
	rows = frappe.get_all(
		"Outreach Cadence",
		filters={"parent": SETTINGS, "parenttype": SETTINGS},
		fields=["account_stage", "calls", "faxes", "emails", "postcards", "visits"],
	)
	if not rows:
		return dict(DEFAULT_CADENCES)
	return {
		r.account_stage: Cadence(r.calls or 0, r.faxes or 0, r.emails or 0, r.postcards or 0, r.visits or 0)
		for r in rows
	}


def caps() -> Caps:
	s = frappe.db.get_singles_dict(SETTINGS)
	return Caps(
		calls=int(s.get("daily_call_limit") or 200),
		faxes=int(s.get("fax_daily_cap") or 50),
		emails=int(s.get("daily_email_limit") or 200),
		postcards=int(s.get("daily_postcard_limit") or 200),
		visits=int(s.get("daily_visit_limit") or 8),
	)


def offices_of(user: str) -> list[Office]:
	"""The user's offices: desk work where they set appointments (or no one does), visits where they are the liaison."""
	practice = DocType("Practice")
	rows = (
		frappe.qb.from_(practice)
		.select(
			practice.name,
			practice.account_stage,
			practice.phone,
			practice.fax,
			practice.email,
			practice.address_line1,
			practice.total_referrals,
			practice.liaison,
			practice.appointment_setter,
			practice.account_owner,
		)
		.where(
			(practice.liaison == user)
			| (practice.appointment_setter == user)
			| (practice.account_owner == user)
		)
		.run(as_dict=True)
	)
	offices = []
	for r in rows:
		desk = (r.appointment_setter or r.liaison or r.account_owner) == user
		field = (r.liaison or r.account_owner) == user
		offices.append(
			Office(
				id=r.name,
				stage=r.account_stage,
				has_phone=bool(r.phone),
				has_fax=bool(r.fax),
				has_email=bool(r.email),
				has_address=bool(r.address_line1),
				total_referrals=r.total_referrals or 0,
				desk_work=desk,
				field_work=field,
			)
		)
	return offices


def touches_of(practices: list[str], since) -> list[Touch]:
	if not practices:
		return []
	visit = DocType("Visit")
	rows = (
		frappe.qb.from_(visit)
		.select(visit.practice, visit.channel, visit.visit_datetime)
		.where(visit.practice.isin(practices) & (visit.visit_datetime >= since))
		.run()
	)
	return [Touch(p, CHANNEL_OF_VISIT.get(c, VISIT), getdate(on)) for p, c, on in rows]


def build_for_user(user: str, day=None) -> str | None:
	"""Write (or rewrite) the user's work list for the day; returns its name, None when nothing is due."""
	day = getdate(day or today())
	offices = offices_of(user)
	touches = touches_of([o.id for o in offices], add_days(day, -62))
	rest = frappe.db.get_single_value(SETTINGS, "rest_days")
	work = build_work_list(offices, touches, day, cadences(), caps(), rest if rest is not None else 2)
	existing = frappe.db.get_value(WORK_LIST, {"user": user, "work_date": day})
	doc = frappe.get_doc(WORK_LIST, existing) if existing else frappe.new_doc(WORK_LIST)
	if not work.items and not existing:
		return None
	done = {(row.practice, row.channel) for row in doc.get("items", []) if row.done}
	doc.update({"user": user, "work_date": day, "item_count": len(work.items)})
	doc.set("items", [])
	for item in work.items:
		label = LABEL[item.channel]
		reason = (
			_("{0} of {1} this month; never yet").format(item.done_this_month, item.per_month)
			if item.days_overdue >= 365
			else _("{0} of {1} this month; last {2} days ago").format(
				item.done_this_month, item.per_month, item.days_overdue
			)
		)
		doc.append(
			"items",
			{
				"practice": item.office,
				"channel": label,
				"reason": reason,
				"done": int((item.office, label) in done),
			},
		)
	doc.held_back = (
		"\n".join(
			_("{0}: {1} held back by the daily limit").format(_(LABEL[c]), n)
			for c, n in work.held_back.items()
		)
		or None
	)
	doc.flags.ignore_permissions = True
	doc.save() if existing else doc.insert()
	if doc.owner != user:
		frappe.db.set_value(WORK_LIST, doc.name, "owner", user, update_modified=False)
	return doc.name


def build_daily_work_lists() -> dict[str, int]:
	"""The morning job: a list for everyone who holds practices."""
	practice = DocType("Practice")
	users = set()
	for field in (practice.liaison, practice.appointment_setter, practice.account_owner):
		users.update(
			frappe.qb.from_(practice).select(field).distinct().where(field.isnotnull()).run(pluck=True)
		)
	built = {}
	for user in sorted(users):
		if frappe.db.get_value("User", user, "enabled") and (name := build_for_user(user)):
			built[user] = frappe.db.get_value(WORK_LIST, name, "item_count")
	return built


@frappe.whitelist(methods=["POST"])
def build_my_work_list() -> str | None:
	"""Rebuild today's list for the person asking (after a territory change, say)."""
	frappe.has_permission(WORK_LIST, "read", throw=True)
	return build_for_user(frappe.session.user)
