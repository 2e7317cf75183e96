"""The liaison's phone: today's stops, and a visit logged (with its check-in) in a few taps, safely twice."""

import frappe
from frappe import _
from frappe.utils import getdate, today

from referral_crm.core.field.routing import directions_urls
from referral_crm.core.phone import dial_string, format_phone
from referral_crm.field.my_day import build_my_day

OUTCOMES = (
	"Spoke with Provider",
	"Spoke with Office Staff",
	"Meeting Scheduled",
	"Referral Promised",
	"Left Materials",
	"Not Interested",
	"Asked Not to Contact",
)


def _plan_of(user: str, day) -> str | None:
	"""Today's route: the one planned, else one built now from what is due (the morning job may not have run)."""
	plan = frappe.get_list(
		"Route Plan",
		filters={"user": user, "route_date": day},
		pluck="name",
		order_by="modified desc",
		limit=1,
	)
	if plan:
		return plan[0]
	if frappe.has_permission("Route Plan", "create"):
		return build_my_day(user, day)
	return None


@frappe.whitelist(methods=["GET"])
def get_today() -> dict:
	"""The stops the user plans to visit today, each with its numbers, people and whether it is done."""
	frappe.has_permission("Visit", "create", throw=True)
	user, day = frappe.session.user, getdate(today())
	plan = frappe.get_doc("Route Plan", name) if (name := _plan_of(user, day)) else None
	names = [row.practice for row in plan.stops] if plan else []
	reasons = {row.practice: row.reason for row in plan.stops} if plan else {}
	practices = {
		p.name: p
		for p in frappe.get_list(
			"Practice",
			filters={"name": ("in", names or [""])},
			fields=["name", "practice_name", "phone", "address_line1", "city", "latitude", "longitude"],
		)
	}
	visited = set(
		frappe.get_list(
			"Visit",
			filters={"user": user, "practice": ("in", names or [""]), "visit_datetime": (">=", day)},
			pluck="practice",
		)
	)
	stops = []
	for name in names:
		p = practices.get(name)
		if not p:
			continue
		providers = frappe.get_list(
			"Provider",
			filters=[["Provider Practice", "practice", "=", name]],
			fields=["name", "provider_name"],
			order_by="provider_name asc",
			limit_page_length=12,
		)
		stops.append(
			{
				"practice": name,
				"practice_name": p.practice_name,
				"address": ", ".join(filter(None, (p.address_line1, p.city))),
				"phone": format_phone(p.phone),
				"dial": dial_string(p.phone),
				"directions": directions_urls((p.latitude, p.longitude), [(p.latitude, p.longitude)])[0]
				if p.latitude
				else None,
				"providers": providers,
				"reason": reasons.get(name),
				"done": name in visited,
			}
		)
	rolled = [line for line in (plan.rolled_over or "").splitlines() if line.strip()] if plan else []
	return {"stops": stops, "outcomes": OUTCOMES, "plan": plan.name if plan else None, "rolled": rolled}


@frappe.whitelist(methods=["POST"])
def log_field_visit(
	practice: str,
	outcome: str,
	client_id: str,
	remarks: str | None = None,
	next_step: str | None = None,
	follow_up_date: str | None = None,
	providers_met: str | list | None = None,
	checkin_latitude: float | None = None,
	checkin_longitude: float | None = None,
	checked_in_at: str | None = None,
	visit_datetime: str | None = None,
) -> dict:
	"""Save a visit from the phone. Sending the same client id again returns the visit already saved."""
	frappe.has_permission("Visit", "create", throw=True)
	frappe.has_permission("Practice", "read", practice, throw=True)
	if not client_id or len(client_id) > 64:
		frappe.throw(_("The phone did not say which visit this is."))
	if existing := frappe.db.get_value(
		"Visit", {"client_id": client_id}, ["name", "checkin_verified"], as_dict=True
	):
		return {"visit": existing.name, "verified": existing.checkin_verified, "repeat": True}
	if outcome not in OUTCOMES:
		frappe.throw(_("Choose what happened."), title=_("Outcome Required"))
	providers = frappe.parse_json(providers_met) if isinstance(providers_met, str) else (providers_met or [])
	values = {
		"checked_in_at": checked_in_at or None,
		"visit_datetime": visit_datetime or checked_in_at or None,
	}
	visit = frappe.get_doc(
		{
			**{k: v for k, v in values.items() if v},
			"doctype": "Visit",
			"practice": practice,
			"channel": "In Person",
			"outcome": outcome,
			"remarks": remarks,
			"next_step": next_step,
			"follow_up_date": follow_up_date or None,
			"providers_met": [{"provider": p} for p in providers],
			"checkin_latitude": checkin_latitude,
			"checkin_longitude": checkin_longitude,
			"client_id": client_id,
		}
	)
	visit.insert()
	return {
		"visit": visit.name,
		"verified": visit.checkin_verified,
		"distance": visit.checkin_distance_m,
		"repeat": False,
	}
