"""What the reports share: filters to weeks, and reading the rollup with the user's permissions."""

import json
from collections.abc import Iterator
from datetime import date

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from referral_crm.core.weeks import week_start, weeks_ending
from referral_crm.referrals.weekly import ROLLUP, rollup_range
from referral_crm.settings import first_weekday

SOURCE_TYPE_FILTER = {
	"fieldname": "source_type",
	"label": "Source Type",
	"fieldtype": "Select",
	"options": "Practice\nProvider",
	"default": "Practice",
}


def source_columns(source_type: str) -> list[dict]:
	"""The first two columns of a per-source report: the source's link and its name."""
	return [
		{
			"fieldname": "source",
			"label": _(source_type),
			"fieldtype": "Link",
			"options": source_type,
			"width": 130,
		},
		{"fieldname": "source_name", "label": _("Name"), "fieldtype": "Data", "width": 220},
	]


def report_weeks(filters: dict, default_weeks: int = 8) -> list:
	"""Week starts ending with the week that holds filters.to_date (today by default), oldest first."""
	last = week_start(getdate(filters.get("to_date") or today()), first_weekday())
	count = max(1, min(int(filters.get("weeks") or default_weeks), 104))
	return weeks_ending(last, count)


def date_range(filters: dict, default_days: int = 84) -> tuple:
	to_date = getdate(filters.get("to_date") or today())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -default_days))
	if from_date > to_date:
		frappe.throw(_("From Date must be on or before To Date."))
	return from_date, to_date


def rollup_filters(filters: dict, weeks: list) -> list[list]:
	out = [*rollup_range(weeks[0], weeks[-1]), ["source_type", "=", filters.get("source_type") or "Practice"]]
	for key in ("referral_territory", "liaison"):
		if filters.get(key):
			out.append([key, "=", filters[key]])
	return out


WEEKS_PER_READ = 4  # a large agency's four weeks are under 2 MB of JSON, far inside a packet


def read_rollup(filters: dict, weeks: list, fields: list[str]) -> Iterator[tuple]:
	"""Rollup rows the user may see (territory permissions apply through frappe.get_list), as tuples in
	the order of `fields`, dates as ISO text.

	A large agency's twelve weeks are fifty thousand rows; the driver reads rows one value at a time
	in Python, which was most of a report's time. So each run of weeks comes back as one row holding
	a JSON array per field (JSON_ARRAYAGG, limited by group_concat_max_len), parsed in C. An array
	MariaDB cannot send (larger than max_allowed_packet) comes back NULL: those weeks are then read
	row by row."""
	frappe.db.sql("set session group_concat_max_len = 1073741824")
	for start in range(0, len(weeks), WEEKS_PER_READ):
		query = {"doctype": ROLLUP, "filters": rollup_filters(filters, weeks[start : start + WEEKS_PER_READ])}
		((rows, *columns),) = frappe.get_list(
			**query,
			fields=["count(*) as row_count", *(f"json_arrayagg({field}) as {field}" for field in fields)],
			order_by="",
			as_list=True,
			limit_page_length=0,
		)
		if not rows:
			continue
		if any(column is None for column in columns):
			for row in frappe.get_list(
				**query, fields=fields, order_by="", as_list=True, limit_page_length=0
			):
				yield tuple(value.isoformat() if isinstance(value, date) else value for value in row)
			continue
		yield from zip(*(json.loads(column) for column in columns), strict=True)
