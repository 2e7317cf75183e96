# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe import _
from frappe.utils import formatdate

from referral_crm.core.referral_intelligence.reports import week_over_week
from referral_crm.referral_intelligence.reporting import (
	read_rollup,
	report_weeks,
	source_columns,
)
from referral_crm.replica import reads_from_replica


@reads_from_replica
def execute(filters=None):
	filters = filters or {}
	weeks = report_weeks(filters)
	position = {f"{week:%Y-%m-%d}": i for i, week in enumerate(weeks)}
	by_source: dict[str, list] = {}
	names = {}
	for source, name, week, received in read_rollup(
		filters, weeks, ["source", "source_name", "week_start", "received"]
	):
		counts = by_source.get(source)
		if counts is None:
			counts = by_source[source] = [0] * len(weeks)
			names[source] = name
		counts[position[week]] = received

	fields = [_week_field(week) for week in weeks]
	week_totals = [0] * len(weeks)
	data = []
	for source, counts in by_source.items():
		change, change_percent = week_over_week(counts)
		record = dict(zip(fields, counts, strict=True))
		record.update(
			source=source,
			source_name=names.get(source),
			total=sum(counts),
			change=change,
			change_percent=change_percent,
		)
		data.append(record)
		week_totals = [a + b for a, b in zip(week_totals, counts, strict=True)]
	data.sort(key=lambda r: (-r["total"], r["source_name"] or ""))

	source_type = filters.get("source_type") or "Practice"
	columns = [
		*source_columns(source_type),
		*[
			{
				"fieldname": field,
				"label": formatdate(week, "MMM dd"),
				"fieldtype": "Int",
				"width": 80,
			}
			for field, week in zip(fields, weeks, strict=True)
		],
		{"fieldname": "total", "label": _("Total"), "fieldtype": "Int", "width": 80},
		{"fieldname": "change", "label": _("Last Week vs Week Before"), "fieldtype": "Int", "width": 110},
		{"fieldname": "change_percent", "label": _("Change %"), "fieldtype": "Percent", "width": 90},
	]
	chart = {
		"data": {
			"labels": [formatdate(week, "MMM dd") for week in weeks],
			"datasets": [{"name": _("Referrals"), "values": week_totals}],
		},
		"type": "line",
	}
	return columns, data, None, chart


def _week_field(week) -> str:
	return f"week_{week:%Y_%m_%d}"
