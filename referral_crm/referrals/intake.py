"""The intake API: contact-centre, intake and EHR systems send referrals here (see docs/intake-openapi.yaml).

POST /api/method/referral_crm.api.intake.create_referral with a JSON body, authenticated by an API
key and secret ("Authorization: token <key>:<secret>") of a user holding the Intake Coordinator role.
"""

import base64
import binascii
from datetime import date

import frappe
from frappe import _
from frappe.utils import escape_html, get_datetime, now_datetime

from referral_crm.core.errors import InvalidNPIError
from referral_crm.core.phone import normalize_phone
from referral_crm.core.referral_sources.npi import validate_npi
from referral_crm.referral_sources.identifiers import phone_region
from referral_crm.referral_sources.providers import find_provider, split_name
from referral_crm.referrals.doctype.referral.referral import DuplicateReferral

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class IntakeError(frappe.ValidationError):
	pass


PER_MINUTE = 600  # per integration user: a fax server or EHR interface, not a person typing


@frappe.whitelist(methods=["POST"])
def create_referral(
	patient: dict | None = None,
	referring_provider: dict | None = None,
	primary_care_provider: dict | None = None,
	external_id: str | None = None,
	channel: str = "EHR / e-Referral",
	service_line: str | None = None,
	received_at: str | None = None,
	diagnosis: str | None = None,
	attachments: list | None = None,
) -> dict:
	"""Create a referral once per external id; match or create its referrer, never drop it."""
	frappe.has_permission("Referral", "create", throw=True)
	_within_rate_limit()
	external_id = (external_id or "").strip() or None
	if existing := _already_received(external_id):
		return {"name": existing, "duplicate": True}

	_require(isinstance(patient, dict), _("patient must be an object"))
	for key in ("first_name", "last_name"):
		_require(
			isinstance(patient.get(key), str) and patient[key].strip(),
			_("patient.{0} is required").format(key),
		)
	channels = frappe.get_meta("Referral").get_field("channel").options.split("\n")
	_require(channel in channels, _("channel must be one of: {0}").format(", ".join(channels)))
	if service_line:
		_require(
			frappe.db.exists("Service Line", service_line),
			_("Unknown service_line {0}").format(shown(service_line)),
		)
	files = _decode_attachments(attachments or [])

	referrer, matched_by = resolve_provider(referring_provider) if referring_provider else (None, None)
	pcp, _pcp_matched_by = resolve_provider(primary_care_provider) if primary_care_provider else (None, None)

	referral = frappe.get_doc(
		{
			"doctype": "Referral",
			"external_id": external_id,
			"source_system": frappe.session.user if external_id else None,
			"channel": channel,
			"service_line": service_line,
			"received_at": _datetime(received_at) if received_at else now_datetime(),
			"referring_provider": referrer,
			"primary_care_provider": pcp,
			"patient_first_name": patient["first_name"].strip(),
			"patient_last_name": patient["last_name"].strip(),
			"patient_date_of_birth": _date_of_birth(patient.get("date_of_birth")),
			"patient_phone": patient.get("phone"),
			"insurance_member_id": patient.get("insurance_member_id"),
			"insurance_payer": patient.get("insurance_payer")
			if frappe.db.exists("Insurance Payer", patient.get("insurance_payer") or "")
			else None,
			"diagnosis": diagnosis,
		}
	)
	try:
		referral.insert()
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError, DuplicateReferral):
		# Sent twice at once: the other request won (the unique index waited for it to commit).
		frappe.db.rollback()
		frappe.local.message_log = []
		if existing := _already_received(external_id):
			return {"name": existing, "duplicate": True}
		raise

	for filename, content in files:
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": filename,
				"content": content,
				"is_private": 1,
				"attached_to_doctype": "Referral",
				"attached_to_name": referral.name,
			}
		).insert(ignore_permissions=True)  # the caller could create the referral, so may attach to it
	return {
		"name": referral.name,
		"duplicate": False,
		"referring_provider": referrer,
		"referring_provider_matched_by": matched_by,
		"referring_practice": referral.referring_practice,
	}


def _already_received(external_id: str | None) -> str | None:
	"""The referral this integration already sent under that id: ids are the sender's, so another
	integration's referral with the same id is not this one."""
	if not external_id:
		return None
	return frappe.db.get_value(
		"Referral", {"external_id": external_id, "source_system": frappe.session.user}, "name"
	)


def resolve_provider(info: dict) -> tuple[str, str]:
	"""(provider, how): matched by NPI, else by name and number, else created and flagged for review."""
	_require(isinstance(info, dict), _("a provider must be an object"))
	region = phone_region()
	npi = None
	if info.get("npi"):
		try:
			npi = validate_npi(info["npi"])
		except InvalidNPIError:
			frappe.throw(_("{0} is not a valid NPI.").format(shown(info["npi"])), IntakeError)
		if provider := frappe.db.get_value("Provider", {"npi": npi}):
			return provider, "npi"

	first, last = _names(info)
	phones = []
	for key in ("phone", "fax"):
		try:
			phones.append(normalize_phone(info.get(key), region))
		except ValueError:
			frappe.throw(
				_("{0} {1} is not a valid phone number.").format(key, shown(info.get(key))), IntakeError
			)
	provider, how = find_provider(None, first, last, phones)
	if provider:
		return provider, how

	created = frappe.get_doc(
		{
			"doctype": "Provider",
			"first_name": first,
			"last_name": last,
			"credential": info.get("credential"),
			"npi": npi,
			"phone": info.get("phone"),
			"fax": info.get("fax"),
			"needs_review": 1,
			"notes": _("Created from an incoming referral: no provider matched."),
		}
	).insert()
	return created.name, "created"


def _names(info: dict) -> tuple[str, str]:
	"""First and last name, given separately or as one "Dr. Ana Rivera, MD" (titles dropped)."""
	first, last = (info.get("first_name") or "").strip(), (info.get("last_name") or "").strip()
	if not last and info.get("name"):
		first, last = split_name(info["name"])
	_require(last, _("a provider needs last_name (or name)"))
	return first or last, last


def _datetime(value: str):
	try:
		return get_datetime(value)
	except Exception:
		frappe.throw(
			_("received_at {0} is not a date and time (use ISO 8601).").format(shown(value)),
			IntakeError,
		)


def _decode_attachments(attachments: list) -> list[tuple[str, bytes]]:
	_require(isinstance(attachments, list), _("attachments must be a list"))
	_require(len(attachments) <= MAX_ATTACHMENTS, _("at most {0} attachments").format(MAX_ATTACHMENTS))
	files = []
	for item in attachments:
		_require(
			isinstance(item, dict) and item.get("filename") and item.get("content_base64"),
			_("each attachment needs filename and content_base64"),
		)
		try:
			content = base64.b64decode(item["content_base64"], validate=True)
		except (binascii.Error, ValueError):
			frappe.throw(_("attachment {0} is not valid base64").format(shown(item["filename"])), IntakeError)
		_require(
			len(content) <= MAX_ATTACHMENT_BYTES,
			_("attachment {0} is over 10 MB").format(shown(item["filename"])),
		)
		files.append((item["filename"], content))
	return files


def _within_rate_limit() -> None:
	"""PER_MINUTE referrals a minute per calling user (Frappe's own limiter counts per address, and
	every integration behind one gateway shares an address)."""
	key = frappe.cache.make_key(f"rl:referral_crm.intake:{frappe.session.user}")
	count = frappe.cache.incrby(key, 1)
	if count == 1:
		frappe.cache.expire(key, 60)
	if count > PER_MINUTE:
		frappe.throw(
			_("More than {0} referrals in a minute from this user; wait a minute and send the rest.").format(
				PER_MINUTE
			),
			frappe.RateLimitExceededError,
		)


def _date_of_birth(value) -> str | None:
	if value in (None, ""):
		return None
	try:
		born = date.fromisoformat(str(value).strip())
	except ValueError:
		frappe.throw(
			_("patient.date_of_birth {0} is not a date (use YYYY-MM-DD).").format(shown(value)), IntakeError
		)
	_require(born <= date.today(), _("patient.date_of_birth is in the future"))
	return born.isoformat()


def shown(value) -> str:
	"""A caller's value quoted back in an error: escaped (the desk shows messages as HTML) and cut short."""
	text = str(value)
	return frappe.bold(escape_html(text if len(text) <= 80 else text[:80] + "…"))


def _require(condition, message: str) -> None:
	if not condition:
		frappe.throw(message, IntakeError, title=_("Invalid Referral"))
