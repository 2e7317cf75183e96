# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe import _
from frappe.utils import formatdate

from referral_crm.core.referral_intelligence.reports import week_over_week
from referral_crm.referral_intelligence.reporting import read_rollup, report_weeks, source_columns
from referral_crm.replica import reads_from_replica


@reads_from_replica
def execute(filters=None):
	filters = filters or {}
	weeks = report_weeks(filters)
	position = {week: i for i, week in enumerate(weeks)}
	by_source: dict[str, tuple] = {}
	for source, name, week, received in read_rollup(
		filters, weeks, ["source", "source_name", "week_start", "received"]
	):
		entry = by_source.get(source)
		if entry is None:
			entry = by_source[source] = (name, [0] * len(weeks))
		entry[1][position[week]] = received

	data = []
	for source, (name, counts) in by_source.items():
		change, change_percent = week_over_week(counts)
		record = {"source": source, "source_name": name, "total": sum(counts)}
		record.update({_week_field(week): n for week, n in zip(weeks, counts, strict=True)})
		record.update({"change": change, "change_percent": change_percent})
		data.append(record)
	data.sort(key=lambda r: (-r["total"], r["source_name"] or ""))

	source_type = filters.get("source_type") or "Practice"
	columns = [
		*source_columns(source_type),
		*[
			{
				"fieldname": _week_field(week),
				"label": formatdate(week, "MMM dd"),
				"fieldtype": "Int",
				"width": 80,
			}
			for week in weeks
		],
		{"fieldname": "total", "label": _("Total"), "fieldtype": "Int", "width": 80},
		{"fieldname": "change", "label": _("Last Week vs Week Before"), "fieldtype": "Int", "width": 110},
		{"fieldname": "change_percent", "label": _("Change %"), "fieldtype": "Percent", "width": 90},
	]
	chart = {
		"data": {
			"labels": [formatdate(week, "MMM dd") for week in weeks],
			"datasets": [
				{"name": _("Referrals"), "values": [sum(r[_week_field(w)] for r in data) for w in weeks]}
			],
		},
		"type": "line",
	}
	return columns, data, None, chart


def _week_field(week) -> str:
	return f"week_{week:%Y_%m_%d}"
