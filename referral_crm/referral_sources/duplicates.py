"""Merging two records of one practice or provider, through Frappe's own rename-and-merge."""

import frappe
from frappe import _

from referral_crm.referral_sources.rollups import update_practice_last_contact, update_referral_counts

DOCTYPES = ("Practice", "Provider")


@frappe.whitelist(methods=["POST"])
def merge_records(doctype: str, keep: str, remove: str) -> str:
	"""Move everything of `remove` (links, visits, referrals, comments, files) to `keep`, then delete it."""
	if doctype not in DOCTYPES:
		frappe.throw(_("Only practices and providers are merged here."))
	if keep == remove:
		frappe.throw(_("Choose two different records."))
	frappe.has_permission(doctype, "write", keep, throw=True)
	frappe.has_permission(doctype, "delete", remove, throw=True)
	kept_npi, removed_npi = (frappe.db.get_value(doctype, name, "npi") for name in (keep, remove))
	if kept_npi and removed_npi and kept_npi != removed_npi:
		frappe.throw(
			_("{0} and {1} have different NPIs, so they are different entities and stay apart.").format(
				frappe.bold(keep), frappe.bold(remove)
			),
			title=_("Not a Duplicate"),
		)
	if removed_npi and not kept_npi:  # the NPI is unique: take it off the record that goes first
		frappe.db.set_value(doctype, remove, "npi", None, update_modified=False)
	frappe.rename_doc(doctype, remove, keep, merge=True, force=True, show_alert=False)
	if removed_npi and not kept_npi:
		frappe.db.set_value(doctype, keep, "npi", removed_npi)
	if doctype == "Practice":
		drop_repeated_practice_rows(keep)
		update_practice_last_contact(keep)
		update_referral_counts({keep}, set())
	else:
		update_referral_counts(set(), {keep})
	return keep


def drop_repeated_practice_rows(practice: str) -> None:
	"""A provider who worked at both records now lists the kept practice twice: keep one row."""
	rows = frappe.get_all(
		"Provider Practice",
		filters={"practice": practice, "parenttype": "Provider"},
		fields=["name", "parent", "is_primary"],
		order_by="is_primary desc, idx asc",
	)
	seen = set()
	for row in rows:
		if row.parent in seen:
			frappe.db.delete("Provider Practice", {"name": row.name})
		seen.add(row.parent)
