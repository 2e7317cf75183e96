"""Sending collateral from the desk: one document now, or the morning's fax batch under the daily cap."""

import frappe
from frappe import _

from referral_crm.outreach.outbox import queue_fax_batch, queue_send

CHANNELS = ("Fax", "Email")


@frappe.whitelist(methods=["POST"])
def send_document(
	doctype: str,
	name: str,
	print_format: str,
	channel: str = "Fax",
	to: str | None = None,
	letter_head: str | None = None,
) -> str:
	"""Queue a print format of the document to go out by fax or email; returns the Outbound Document."""
	frappe.has_permission("Outbound Document", "create", throw=True)
	frappe.has_permission(doctype, "print", name, throw=True)
	if channel not in CHANNELS:
		frappe.throw(_("Send by fax or by email."))
	if frappe.db.get_value("Print Format", print_format, "doc_type") != doctype:
		frappe.throw(_("{0} is not a print format of {1}.").format(frappe.bold(print_format), _(doctype)))
	return queue_send(doctype, name, print_format, channel, to, letter_head).name


@frappe.whitelist(methods=["POST"])
def send_fax_batch(doctype: str, names: str | list, print_format: str) -> dict:
	"""Fax one print format to many offices at once, as far as today's cap allows."""
	frappe.has_permission("Outbound Document", "create", throw=True)
	names = frappe.parse_json(names) if isinstance(names, str) else names
	if frappe.db.get_value("Print Format", print_format, "doc_type") != doctype:
		frappe.throw(_("{0} is not a print format of {1}.").format(frappe.bold(print_format), _(doctype)))
	readable = set(frappe.get_list(doctype, filters={"name": ("in", names)}, pluck="name"))
	return queue_fax_batch(doctype, [n for n in names if n in readable], print_format)
