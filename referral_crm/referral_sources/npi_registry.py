"""Fetch from NPI Registry: fill a Provider or Practice from CMS's NPPES API, only when someone asks."""

import frappe
from frappe import _

from referral_crm.core.referral_sources.npi import is_valid_npi
from referral_crm.integrations.npi_registry import NpiNotFound, NpiRegistryUnavailable, lookup_npi
from referral_crm.referral_sources.nppes import practice_values, provider_values

SETTINGS = "Referral CRM Settings"
ENTITY_TYPE = {"Provider": 1, "Practice": 2}


def registry_values(doctype: str, npi: str) -> dict:
	"""The fields NPPES owns for this NPI, ready for the form; a clear message when it cannot say."""
	if doctype not in ENTITY_TYPE:
		frappe.throw(_("Only providers and practices are in the NPI Registry."))
	if not is_valid_npi(npi):
		frappe.throw(_("{0} is not a valid NPI.").format(frappe.bold(npi)), title=_("Invalid NPI"))
	try:
		record = lookup_npi(npi, base_url=frappe.db.get_single_value(SETTINGS, "npi_registry_url"))
	except NpiNotFound:
		frappe.throw(
			_("The NPI Registry has no record of NPI {0}.").format(frappe.bold(npi)), title=_("Not Found")
		)
	except NpiRegistryUnavailable as e:
		frappe.throw(
			_("The NPI Registry could not be reached, so nothing was changed ({0}). Try again later.").format(
				e
			),
			title=_("NPI Registry Unavailable"),
		)
	if record.entity_type != ENTITY_TYPE[doctype]:
		message = (
			_("NPI {0} belongs to an organisation, not a person.")
			if record.entity_type == 2
			else _("NPI {0} belongs to a person, not an organisation.")
		)
		frappe.throw(message.format(frappe.bold(npi)), title=_("Wrong Kind of NPI"))
	known = bool(record.primary_taxonomy) and frappe.db.exists("Provider Taxonomy", record.primary_taxonomy)
	if doctype == "Practice":
		values = practice_values(record, bool(known))
	else:
		values = provider_values(record, bool(known), set(frappe.get_all("Gender", pluck="name")))
	values.pop("unknown_taxonomy")  # the controller decides
	return {k: v for k, v in values.items() if v not in (None, "")}


@frappe.whitelist(methods=["POST"])
def get_registry_values(doctype: str, npi: str) -> dict:
	"""For a record not saved yet: what the registry says, for the form to fill in."""
	frappe.has_permission(doctype, "create", throw=True)
	return registry_values(doctype, npi)


@frappe.whitelist(methods=["POST"])
def refresh_from_registry(doctype: str, name: str) -> list[str]:
	"""Refresh a saved record from the registry; returns the labels of the fields that changed."""
	frappe.has_permission(doctype, "write", name, throw=True)
	doc = frappe.get_doc(doctype, name)
	if not doc.npi:
		frappe.throw(_("Enter the NPI first."))
	values = registry_values(doctype, doc.npi)
	changed = [
		field
		for field, value in values.items()
		if doc.get(field) != value and str(doc.get(field) or "") != str(value)
	]
	doc.update(values)
	doc.save()
	return [_(doc.meta.get_label(field)) for field in changed]
