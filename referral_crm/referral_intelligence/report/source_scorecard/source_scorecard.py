# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime

from referral_crm.core.referral_intelligence.reports import percent, source_cards
from referral_crm.core.referrals.referral import ADMITTED_STATUSES, NOT_ADMITTED
from referral_crm.core.weeks import week_start, weeks_ending
from referral_crm.referral_intelligence.reporting import date_range, read_rollup, source_columns
from referral_crm.replica import reads_from_replica
from referral_crm.settings import first_weekday


@reads_from_replica
def execute(filters=None):
	filters = filters or {}
	from_date, to_date = date_range(filters)
	fw = first_weekday()
	first, last = week_start(from_date, fw), week_start(to_date, fw)
	weeks = weeks_ending(last, (last - first).days // 7 + 1)
	source_type = filters.get("source_type") or "Practice"

	totals: dict[str, dict] = {}
	for row in read_rollup(
		filters,
		weeks,
		["source", "source_name", "received", "admitted_of_received", "notes_due", "notes_on_time"],
	):
		total = totals.setdefault(
			row.source,
			{
				"source": row.source,
				"source_name": row.source_name,
				"received": 0,
				"admitted": 0,
				"due": 0,
				"on_time": 0,
			},
		)
		total["received"] += row.received
		total["admitted"] += row.admitted_of_received
		total["due"] += row.notes_due
		total["on_time"] += row.notes_on_time

	cards = source_cards(_referral_rows(source_type, set(totals), weeks[0], add_days(weeks[-1], 7)))
	data = []
	for total in totals.values():
		card = cards.get(total["source"])
		data.append(
			{
				"source": total["source"],
				"source_name": total["source_name"],
				"received": total["received"],
				"admitted": total["admitted"],
				"conversion": percent(total["admitted"], total["received"]),
				"median_hours_to_soc": card.median_hours_to_soc if card else None,
				"note_sla": percent(total["on_time"], total["due"]),
				"non_admit_reasons": card.top_reasons() if card else "",
			}
		)
	data.sort(key=lambda r: (-r["received"], r["source_name"] or ""))

	columns = [
		*source_columns(source_type),
		{"fieldname": "received", "label": _("Received"), "fieldtype": "Int", "width": 90},
		{"fieldname": "admitted", "label": _("Admitted"), "fieldtype": "Int", "width": 90},
		{"fieldname": "conversion", "label": _("Conversion %"), "fieldtype": "Percent", "width": 110},
		{
			"fieldname": "median_hours_to_soc",
			"label": _("Median Hours to Start of Care"),
			"fieldtype": "Float",
			"width": 130,
		},
		{"fieldname": "note_sla", "label": _("Visit Notes on Time %"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "non_admit_reasons",
			"label": _("Top Non-admit Reasons"),
			"fieldtype": "Data",
			"width": 280,
		},
	]
	return columns, data


def _referral_rows(source_type: str, sources: set[str], start, end) -> list[dict]:
	"""Admitted referrals' hours to start of care and not-admitted ones counted per reason, per source.

	The database works out the hours and the counts: a large agency's twelve weeks are a hundred
	thousand referrals, too many to read one by one.
	"""
	if not sources:
		return []
	field = "referring_practice" if source_type == "Practice" else "referring_provider"
	period = [
		[field, "is", "set"],
		["received_at", ">=", get_datetime(start)],
		["received_at", "<", get_datetime(end)],
	]
	admitted = frappe.get_list(
		"Referral",
		filters=[*period, ["status", "in", list(ADMITTED_STATUSES)], ["start_of_care", "is", "set"]],
		fields=[
			f"{field} as source",
			"status",
			"timestampdiff(second, received_at, start_of_care) / 3600 as hours_to_soc",
		],
		limit_page_length=0,
	)
	not_admitted = frappe.get_list(
		"Referral",
		filters=[*period, ["status", "=", NOT_ADMITTED]],
		fields=[f"{field} as source", "status", "non_admit_reason", "count(name) as referrals"],
		group_by=f"{field}, non_admit_reason",
		limit_page_length=0,
	)
	return [row for row in (*admitted, *not_admitted) if row.source in sources]
