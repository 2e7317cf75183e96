# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime

from referral_crm.core.referral_intelligence.reports import liaison_weeks
from referral_crm.referral_intelligence.reporting import date_range
from referral_crm.replica import reads_from_replica
from referral_crm.settings import first_weekday


def channels() -> list[str]:
	return frappe.get_meta("Visit").get_field("channel").options.split("\n")


def week_of(column: str) -> str:
	"""SQL for the first day of the referral week a datetime falls in, as `week`."""
	offset = int(first_weekday())  # 0-6 from the settings, never user input
	return f"date_sub(date({column}), interval mod(weekday({column}) - {offset} + 7, 7) day) as week"


@reads_from_replica
def execute(filters=None):
	filters = filters or {}
	from_date, to_date = date_range(filters, default_days=56)
	start, end = get_datetime(from_date), get_datetime(add_days(to_date, 1))

	visit_filters = [["day", ">=", from_date], ["day", "<=", to_date]]
	referral_filters = [
		["received_at", ">=", start],
		["received_at", "<", end],
		["attributed_liaison", "is", "set"],
	]
	if filters.get("user"):
		visit_filters.append(["user", "=", filters["user"]])
		referral_filters.append(["attributed_liaison", "=", filters["user"]])

	# Summed from each person's touches per day (Visit Day, kept as visits are saved), not read visit
	# by visit: eight weeks of a large agency are hundreds of thousands of visits.
	visits = frappe.get_list(
		"Visit Day",
		filters=visit_filters,
		fields=[
			"user",
			week_of("day"),
			"channel",
			"outcome",
			"sum(visits) as visits",
			"sum(check_ins) as check_ins",
			"sum(verified) as verified",
		],
		group_by="user, week, channel, outcome",
		order_by="user",
		limit_page_length=0,
	)
	referrals = frappe.get_list(
		"Referral",
		filters=referral_filters,
		fields=["attributed_liaison as user", week_of("received_at"), "status", "count(name) as referrals"],
		group_by="attributed_liaison, week, status",
		limit_page_length=0,
	)
	data = liaison_weeks(visits, referrals, first_weekday(), channels())

	columns = [
		{
			"fieldname": "user",
			"label": _("Staff Member"),
			"fieldtype": "Link",
			"options": "User",
			"width": 200,
		},
		{"fieldname": "week_start", "label": _("Week"), "fieldtype": "Date", "width": 100},
		{"fieldname": "visits", "label": _("Touches"), "fieldtype": "Int", "width": 80},
		*[
			{"fieldname": channel, "label": _(channel), "fieldtype": "Int", "width": 90}
			for channel in channels()
		],
		{"fieldname": "reached", "label": _("Reached a Person"), "fieldtype": "Int", "width": 110},
		{"fieldname": "reached_share", "label": _("Reached %"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "check_ins", "label": _("Check-ins"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "verified_share",
			"label": _("Verified at the Office %"),
			"fieldtype": "Percent",
			"width": 110,
		},
		{
			"fieldname": "referrals",
			"label": _("Referrals From Their Sources"),
			"fieldtype": "Int",
			"width": 130,
		},
	]
	return columns, data
