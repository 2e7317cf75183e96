# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

"""Likely duplicate practices or providers, best first, for a manager to merge or leave."""

import frappe
from frappe import _

from referral_crm.core.referral_sources.duplicates import DEFAULT_THRESHOLD, Candidate, find_duplicate_pairs
from referral_crm.replica import reads_from_replica

DOCTYPES = ("Practice", "Provider")
NAME_FIELD = {"Practice": "practice_name", "Provider": "provider_name"}


@reads_from_replica
def execute(filters=None):
	filters = frappe._dict(filters or {})
	doctype = filters.get("record_type") or "Practice"
	if doctype not in DOCTYPES:
		frappe.throw(_("Look for duplicate practices or providers."))
	threshold = int(filters.get("threshold") or DEFAULT_THRESHOLD)
	return columns(doctype), rows(doctype, threshold)


def candidates(doctype: str) -> list[Candidate]:
	if doctype == "Practice":
		fields = [
			"name",
			"practice_name",
			"npi",
			"phone",
			"fax",
			"address_line1",
			"zip_code",
			"also_known_as",
		]
	else:
		fields = ["name", "provider_name", "npi", "phone", "fax", "primary_practice"]
	records = frappe.get_list(doctype, fields=fields, limit_page_length=0)
	if doctype == "Practice":
		return [
			Candidate(
				r.name,
				r.practice_name or "",
				r.npi or "",
				r.phone or "",
				r.fax or "",
				r.address_line1 or "",
				r.zip_code or "",
				tuple((r.also_known_as or "").splitlines()),
			)
			for r in records
		]
	# A provider's place is their primary practice: the same one counts as the same address.
	return [
		Candidate(
			r.name,
			r.provider_name or "",
			r.npi or "",
			r.phone or "",
			r.fax or "",
			r.primary_practice or "",
			"00000" if r.primary_practice else "",
		)
		for r in records
	]


def rows(doctype: str, threshold: int) -> list[dict]:
	records = candidates(doctype)
	names = {c.id: c.name for c in records}
	return [
		{
			"record": pair.a,
			"record_name": names[pair.a],
			"other": pair.b,
			"other_name": names[pair.b],
			"score": pair.score,
			"reasons": ", ".join(_(reason) for reason in pair.reasons),
			"doctype": doctype,
		}
		for pair in find_duplicate_pairs(records, threshold)
	]


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
