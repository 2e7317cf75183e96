# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime

from referral_crm.core.referral_intelligence.reports import funnel, percent
from referral_crm.referral_intelligence.reporting import date_range
from referral_crm.replica import reads_from_replica


@reads_from_replica
def execute(filters=None):
	filters = filters or {}
	from_date, to_date = date_range(filters)
	base = {"received_at": ("between", [get_datetime(from_date), get_datetime(add_days(to_date, 1))])}
	for key in ("service_line", "referral_territory", "referring_practice"):
		if filters.get(key):
			base[key] = filters[key]

	by_status = frappe.get_list(
		"Referral",
		filters=base,
		fields=["status", "count(name) as n"],
		group_by="status",
		limit_page_length=0,
	)
	accepted = frappe.get_list(
		"Referral",
		filters={**base, "accepted_at": ("is", "set"), "status": ("!=", "Cancelled")},
		fields=["count(name) as n"],
	)[0].n
	reasons = frappe.get_list(
		"Referral",
		filters={**base, "status": "Not Admitted"},
		fields=["non_admit_reason", "count(name) as n"],
		group_by="non_admit_reason",
		order_by="n desc",
		limit_page_length=0,
	)

	steps = funnel({row.status: row.n for row in by_status}, accepted)
	received = steps[0].referrals
	data = [
		{
			"stage": _(step.stage),
			"referrals": step.referrals,
			"share": step.share_of_received,
			"lost": step.lost,
		}
		for step in steps
	]
	for row in reasons:
		data.append(
			{
				"stage": _("Not admitted: {0}").format(_(row.non_admit_reason or "Other")),
				"referrals": row.n,
				"share": percent(row.n, received),
				"indent": 1,
			}
		)

	columns = [
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 300},
		{"fieldname": "referrals", "label": _("Referrals"), "fieldtype": "Int", "width": 110},
		{"fieldname": "share", "label": _("% of Received"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "lost", "label": _("Lost at This Step"), "fieldtype": "Int", "width": 130},
	]
	chart = {
		"data": {
			"labels": [_(step.stage) for step in steps],
			"datasets": [{"name": _("Referrals"), "values": [step.referrals for step in steps]}],
		},
		"type": "bar",
	}
	return columns, data, None, chart
