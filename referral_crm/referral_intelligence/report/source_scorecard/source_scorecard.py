# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe import _

from referral_crm.core.referral_intelligence.reports import percent, source_card_from_rollup
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

	# One row per source, summed by the database over the weeks; the admitted referrals' hours come
	# joined from each week's rollup row, so a median is taken without reading the referrals.
	data = []
	for row in read_rollup(
		filters,
		weeks,
		[
			"source",
			"source_name",
			"sum(received) as received",
			"sum(admitted_of_received) as admitted",
			"sum(notes_due) as due",
			"sum(notes_on_time) as on_time",
			"group_concat(soc_hours) as soc_hours",
			"group_concat(non_admit_reasons) as non_admit_reasons",
		],
		group_by="source",
	):
		card = source_card_from_rollup(row.soc_hours, row.non_admit_reasons)
		data.append(
			{
				"source": row.source,
				"source_name": row.source_name,
				"received": int(row.received),
				"admitted": int(row.admitted),
				"conversion": percent(row.admitted, row.received),
				"median_hours_to_soc": card.median_hours_to_soc,
				"note_sla": percent(row.on_time, row.due),
				"non_admit_reasons": card.top_reasons(),
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
