"""Document-side checks of NPIs, phone numbers and ZIP codes: the core's rules, with translated errors."""

import frappe
from frappe import _, bold
from frappe.utils import get_link_to_form

from referral_crm.core.errors import InvalidNPIError, InvalidPhoneNumberError
from referral_crm.core.phone import DEFAULT_REGION, dial_string, format_phone, normalize_phone
from referral_crm.core.referral_sources.npi import validate_npi
from referral_crm.core.referral_sources.taxonomy import normalize_taxonomy_code
from referral_crm.core.referral_sources.territory import normalize_zip

NPI_DOCTYPES = ("Practice", "Provider")


class InvalidNPI(frappe.ValidationError):
	pass


class DuplicateNPI(frappe.ValidationError):
	pass


class InvalidPhoneNumber(frappe.ValidationError):
	pass


class InvalidZipCode(frappe.ValidationError):
	pass


def _label(doc, fieldname: str) -> str:
	return _(doc.meta.get_label(fieldname))


def set_npi(doc, fieldname: str = "npi") -> None:
	"""Clean the document's NPI, refuse one that fails the check digit or belongs to another record."""
	value = doc.get(fieldname)
	if not value or not str(value).strip():
		doc.set(fieldname, None)
		return
	try:
		npi = validate_npi(value)
	except InvalidNPIError:
		frappe.throw(
			_(
				"{0}: {1} is not a valid NPI. An NPI has 10 digits, starts with 1 or 2 and ends with its check digit."
			).format(bold(_label(doc, fieldname)), bold(value)),
			InvalidNPI,
			title=_("Invalid NPI"),
		)
	doc.set(fieldname, npi)

	for doctype in NPI_DOCTYPES:
		filters = {"npi": npi}
		if doctype == doc.doctype and not doc.is_new():
			filters["name"] = ("!=", doc.name)
		if other := frappe.db.get_value(doctype, filters, "name"):
			frappe.throw(
				_("{0}: NPI {1} already belongs to {2}.").format(
					bold(_label(doc, fieldname)), bold(npi), get_link_to_form(doctype, other)
				),
				DuplicateNPI,
				title=_("Duplicate NPI"),
			)


def phone_region() -> str:
	return frappe.db.get_single_value("Referral CRM Settings", "default_phone_region") or DEFAULT_REGION


def set_phone_numbers(doc, fieldnames: tuple[str, ...]) -> None:
	"""Store each phone or fax field in E.164; refuse a number that cannot be read."""
	region = phone_region()
	for fieldname in fieldnames:
		value = doc.get(fieldname)
		try:
			doc.set(fieldname, normalize_phone(value, region) or None)
		except InvalidPhoneNumberError:
			frappe.throw(
				_(
					"{0}: {1} is not a valid phone number. Enter it with its area code, e.g. (212) 555-0100."
				).format(bold(_label(doc, fieldname)), bold(value)),
				InvalidPhoneNumber,
				title=_("Invalid Phone Number"),
			)


def formatted_numbers(doc, fieldnames: tuple[str, ...]) -> list[dict]:
	"""Label, display text and tel: target of each filled number, for the form's number card."""
	region = phone_region()
	return [
		{
			"label": _label(doc, f),
			"display": format_phone(doc.get(f), region),
			"dial": dial_string(doc.get(f)),
		}
		for f in fieldnames
		if doc.get(f)
	]


def _set_normalized(doc, fieldname: str, normalize, message: str, exc=frappe.ValidationError) -> None:
	"""Store normalize(value); on ValueError refuse the value with `message` (label and value as {0}, {1})."""
	value = doc.get(fieldname)
	try:
		doc.set(fieldname, normalize(value) or None)
	except ValueError:
		frappe.throw(message.format(bold(_label(doc, fieldname)), bold(value)), exc)


def set_zip_code(doc, fieldname: str = "zip_code") -> None:
	_set_normalized(
		doc,
		fieldname,
		normalize_zip,
		_("{0}: {1} is not a US ZIP code (five digits, or ZIP+4)."),
		InvalidZipCode,
	)


def set_taxonomy_code(doc, fieldname: str = "taxonomy_code") -> None:
	_set_normalized(
		doc,
		fieldname,
		normalize_taxonomy_code,
		_("{0}: {1} is not a NUCC taxonomy code (ten characters ending in X, e.g. 207Q00000X)."),
	)
