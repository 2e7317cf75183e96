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

	# Each source's weeks added up from the rollup alone: its rows keep the admitted referrals' hours
	# and the non-admit reasons, so a median is taken without reading the referrals.
	totals: dict[str, list] = {}
	for source, name, received, admitted, due, on_time, hours, reasons in read_rollup(
		filters,
		weeks,
		[
			"source",
			"source_name",
			"received",
			"admitted_of_received",
			"notes_due",
			"notes_on_time",
			"soc_hours",
			"non_admit_reasons",
		],
	):
		total = totals.get(source)
		if total is None:
			total = totals[source] = [name, 0, 0, 0, 0, [], []]
		total[1] += received
		total[2] += admitted
		total[3] += due
		total[4] += on_time
		if hours:
			total[5].append(hours)
		if reasons:
			total[6].append(reasons)

	data = []
	for source, (name, received, admitted, due, on_time, hours, reasons) in totals.items():
		card = source_card_from_rollup(",".join(hours), ",".join(reasons))
		data.append(
			{
				"source": source,
				"source_name": name,
				"received": received,
				"admitted": admitted,
				"conversion": percent(admitted, received),
				"median_hours_to_soc": card.median_hours_to_soc,
				"note_sla": percent(on_time, due),
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
