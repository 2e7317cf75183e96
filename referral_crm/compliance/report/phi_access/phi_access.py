# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

"""Who looked at this patient's referral, and what this user looked at: the PHI Access Log, read back."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from referral_crm.replica import reads_from_replica

LOG = "PHI Access Log"


@reads_from_replica
def execute(filters=None):
	filters = frappe._dict(filters or {})
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -30))
	conditions = [[LOG, "accessed_at", "between", [str(from_date), f"{to_date} 23:59:59.999999"]]]
	if filters.get("user"):
		conditions.append([LOG, "user", "=", filters.user])
	if filters.get("channel"):
		conditions.append([LOG, "channel", "=", filters.channel])
	or_filters = None
	if filters.get("referral"):
		# one record read on its own, or one of the records a list, report or export returned
		or_filters = [
			[LOG, "reference_name", "=", filters.referral],
			[LOG, "records", "like", f"%{filters.referral}%"],
		]
	rows = frappe.get_list(
		LOG,
		filters=conditions,
		or_filters=or_filters,
		fields=[
			"accessed_at",
			"user",
			"channel",
			"reference_doctype",
			"reference_name",
			"row_count",
			"ip_address",
			"records",
			"request",
		],
		order_by="accessed_at desc",
		limit_page_length=0,
	)
	if filters.get("referral"):  # "like" also matched longer names that start the same way
		rows = [
			r
			for r in rows
			if r.reference_name == filters.referral or filters.referral in (r.records or "").split("\n")
		]
	for row in rows:
		row.record = row.reference_name or _("{0} records").format(row.row_count or 0)
	return columns(), rows


def columns():
	return [
		{"fieldname": "accessed_at", "label": _("Accessed At"), "fieldtype": "Datetime", "width": 170},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "channel", "label": _("Channel"), "fieldtype": "Data", "width": 140},
		{"fieldname": "reference_doctype", "label": _("Document Type"), "fieldtype": "Data", "width": 110},
		{"fieldname": "record", "label": _("Record"), "fieldtype": "Data", "width": 160},
		{"fieldname": "row_count", "label": _("Rows"), "fieldtype": "Int", "width": 70},
		{"fieldname": "ip_address", "label": _("IP Address"), "fieldtype": "Data", "width": 130},
		{"fieldname": "request", "label": _("Request"), "fieldtype": "Data", "width": 300},
	]
