"""Patient data (fields at permission level 1) never lands in places that ignore permission levels."""

import json

import frappe

MASK = "•••"


def scrub_version(doc, method=None) -> None:
	"""Before a change log (Version) is written: keep which PHI field changed and who changed it, not the values.

	Frappe shows a document's versions to everyone who can read level 0 of it, so a diagnosis would
	otherwise be readable in the timeline by a role that may not see it on the form.
	"""
	meta = frappe.get_meta(doc.ref_doctype)
	protected = {df.fieldname for df in meta.fields if (df.permlevel or 0) > 0}
	if not protected or not doc.data:
		return
	data = json.loads(doc.data)
	data["changed"] = [
		[field, MASK, MASK] if field in protected else [field, old, new]
		for field, old, new in data.get("changed", [])
	]
	doc.data = json.dumps(data, separators=(",", ":"))


PHI_DOCTYPES = ("Referral",)


def reads_phi(doctype: str, user: str | None = None) -> bool:
	"""Whether the user holds a role that may read the document type's patient data (level 1)."""
	return 1 in frappe.get_meta(doctype).get_permlevel_access("read", user=user)


def file_has_permission(doc, ptype=None, user=None) -> bool | None:
	"""A referral's attachments (face sheets, orders, visit notes) are patient data: level-1 readers only.

	Frappe lets anyone who can read the referral download its files; a liaison may read the referral's
	level 0 (source, status) but not the patient, so not the patient's documents either.
	"""
	if doc.attached_to_doctype in PHI_DOCTYPES and not reads_phi(doc.attached_to_doctype, user):
		return False
	return None


def keep_phi_files_private(doc, method=None) -> None:
	"""A file attached to a referral is patient data: never public (a public file is readable without login)."""
	if doc.attached_to_doctype in PHI_DOCTYPES and not doc.is_private:
		frappe.throw(
			frappe._("Files on a {0} hold patient data: tick Is Private before you attach it.").format(
				frappe._(doc.attached_to_doctype)
			)
		)
