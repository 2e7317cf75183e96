"""Each field day's mileage: from the start, through the checked-in offices in order, by the route planner's distances."""

import frappe
from frappe.utils import add_days, get_datetime, getdate, today

from referral_crm.core.field.field import day_miles
from referral_crm.core.referral_sources.geocode import is_valid_point

MILEAGE_LOG = "Mileage Log"


def build_mileage_log(user: str, day) -> str | None:
	"""Write (or refresh, while still a draft) the user's log for the day; None when they checked in nowhere."""
	day = getdate(day)
	visits = frappe.get_all(
		"Visit",
		filters={
			"user": user,
			"channel": ("in", ["In Person", "Lunch and Learn", "Drop Off"]),
			"checked_in_at": ("between", (get_datetime(day), get_datetime(f"{day} 23:59:59"))),
		},
		fields=[
			"name",
			"practice",
			"checked_in_at",
			"checkin_verified",
			"checkin_latitude",
			"checkin_longitude",
		],
		order_by="checked_in_at asc",
	)
	if not visits:
		return None
	offices = {
		p.name: (p.latitude, p.longitude)
		for p in frappe.get_all(
			"Practice",
			filters={"name": ("in", [v.practice for v in visits])},
			fields=["name", "latitude", "longitude"],
		)
	}
	points = []
	for v in visits:  # where the office is; where the phone was when the office has no place yet
		office = offices.get(v.practice)
		point = office if office and is_valid_point(*office) else (v.checkin_latitude, v.checkin_longitude)
		if is_valid_point(*point):
			points.append(point)
	plan = frappe.get_all(
		"Route Plan",
		filters={"user": user, "route_date": day},
		fields=["start_latitude", "start_longitude", "return_to_start"],
		limit=1,
	)
	start = (
		(plan[0].start_latitude, plan[0].start_longitude)
		if plan and is_valid_point(plan[0].start_latitude, plan[0].start_longitude)
		else None
	)
	end = start if plan and plan[0].return_to_start else None
	miles = day_miles(start, points, end)

	name = frappe.db.get_value(MILEAGE_LOG, {"user": user, "log_date": day, "docstatus": ("<", 2)})
	doc = frappe.get_doc(MILEAGE_LOG, name) if name else frappe.new_doc(MILEAGE_LOG)
	if doc.docstatus == 1:
		return doc.name  # approved: left as the manager saw it
	claimed_by_hand = name and doc.adjustment_reason
	doc.update(
		{
			"user": user,
			"log_date": day,
			"computed_miles": miles,
			"start_latitude": start[0] if start else None,
			"start_longitude": start[1] if start else None,
		}
	)
	if not claimed_by_hand:
		doc.miles = miles
	doc.set(
		"stops",
		[
			{
				"visit": v.name,
				"practice": v.practice,
				"checked_in_at": v.checked_in_at,
				"verified": v.checkin_verified,
			}
			for v in visits
		],
	)
	doc.flags.ignore_permissions = True
	doc.save() if name else doc.insert()
	if doc.owner != user:
		frappe.db.set_value(MILEAGE_LOG, doc.name, "owner", user, update_modified=False)
	return doc.name


def build_yesterdays_mileage() -> list[str]:
	"""The morning job: yesterday's log for everyone who checked in somewhere."""
	yesterday = getdate(add_days(today(), -1))
	users = frappe.get_all(
		"Visit",
		filters={
			"checked_in_at": ("between", (get_datetime(yesterday), get_datetime(f"{yesterday} 23:59:59")))
		},
		pluck="user",
		distinct=True,
	)
	return [name for user in sorted(set(users)) if (name := build_mileage_log(user, yesterday))]
