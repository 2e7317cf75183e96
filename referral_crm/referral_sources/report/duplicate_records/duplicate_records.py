# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

"""Likely duplicate practices or providers, best first, for a manager to merge or leave.

Those of one record or of one NPPES import are found through the site's index while the person
waits; the whole site is compared while they wait when it is small, and otherwise shown as the
latest background sweep found it (records saved since are keyed as they are saved)."""

import frappe
from frappe import _
from frappe.utils import format_datetime

from referral_crm.core.referral_sources.duplicates import DEFAULT_THRESHOLD, find_duplicate_pairs
from referral_crm.referral_sources.duplicates import (
	DOCTYPES,
	FIELDS,
	SWEEP_LOWEST_SCORE,
	as_candidate,
	candidates_of,
	changed_by_import,
	compared_while_waiting,
	last_done_sweep,
	latest_sweep,
	queue_sweep,
	swept_pairs,
)
from referral_crm.replica import reads_from_replica


@reads_from_replica
def execute(filters=None):
	filters = frappe._dict(filters or {})
	doctype = filters.get("record_type") or "Practice"
	if doctype not in DOCTYPES:
		frappe.throw(_("Look for duplicate practices or providers."))
	threshold = int(filters.get("threshold") or DEFAULT_THRESHOLD)
	message = None
	if filters.get("record"):
		pairs, titles = candidates_of(doctype, [filters.record], threshold)
	elif filters.get("nppes_import"):
		pairs, titles = candidates_of(doctype, changed_by_import(doctype, filters.nppes_import), threshold)
	elif compared_while_waiting(doctype):
		records = [
			as_candidate(doctype, r)
			for r in frappe.get_list(doctype, fields=FIELDS[doctype], limit_page_length=0)
		]
		pairs, titles = find_duplicate_pairs(records, threshold), {r.id: r.name for r in records}
	else:
		pairs, titles, message = _from_sweep(doctype, threshold)
	return columns(doctype), [_row(doctype, pair, titles) for pair in pairs], message


def _from_sweep(doctype: str, threshold: int):
	if threshold < SWEEP_LOWEST_SCORE:
		frappe.throw(
			_("On a site this large the lowest score shown is {0}.").format(SWEEP_LOWEST_SCORE),
			title=_("Lowest Score"),
		)
	sweep = last_done_sweep(doctype)
	latest = latest_sweep(doctype)
	if (not latest or latest.status == "Failed") and frappe.has_permission(doctype, "write"):
		queue_sweep(doctype)
	if not sweep:
		return (
			[],
			{},
			_(
				"So many records that the whole site is being compared in the background. Open this report again in a few minutes, or look at one record or one import meanwhile."
			),
		)
	pairs, titles = swept_pairs(sweep, threshold)
	return (
		pairs,
		titles,
		_(
			"The whole site as compared on {0} ({1} records). A record saved since is checked when you pick it above."
		).format(format_datetime(sweep.finished_at), sweep.records),
	)


def _row(doctype: str, pair, titles: dict) -> dict:
	return {
		"record": pair.a,
		"record_name": titles.get(pair.a),
		"other": pair.b,
		"other_name": titles.get(pair.b),
		"score": pair.score,
		"reasons": ", ".join(_(reason) for reason in pair.reasons),
		"doctype": doctype,
	}


def columns(doctype: str) -> list[dict]:
	return [
		{"fieldname": "record", "label": _(doctype), "fieldtype": "Link", "options": doctype, "width": 140},
		{"fieldname": "record_name", "label": _("Name"), "fieldtype": "Data", "width": 240},
		{
			"fieldname": "other",
			"label": _("Likely Duplicate"),
			"fieldtype": "Link",
			"options": doctype,
			"width": 140,
		},
		{"fieldname": "other_name", "label": _("Its Name"), "fieldtype": "Data", "width": 240},
		{"fieldname": "score", "label": _("Score"), "fieldtype": "Int", "width": 80},
		{"fieldname": "reasons", "label": _("Why"), "fieldtype": "Data", "width": 260},
		{"fieldname": "merge", "label": _("Merge"), "fieldtype": "Data", "width": 120},
	]
