"""The FHIR R4 endpoint at /fhir/r4 and the HL7 v2 endpoint at /hl7/v2 of the site.

EHRs send a referral as a Bundle (POST [base] for a transaction, POST [base]/Bundle for a collection);
it becomes a Referral through the JSON intake's own path (same permission, rate limit, idempotency on
the sender's id, provider matching and attachment rules). The referral is followed as
ServiceRequest/[id] and Task?based-on=ServiceRequest/[id]; each status change is also pushed as the
Task to the referrer's FHIR endpoint through the outbox. Callers authenticate as for the REST API
(API key and secret, or an OAuth2 bearer token); only `metadata` answers anyone.
"""

import json

import frappe
from frappe import _
from frappe.utils import strip_html
from werkzeug.wrappers import Response

from referral_crm import __version__
from referral_crm.compliance.audit import record
from referral_crm.compliance.phi import reads_phi
from referral_crm.core.phone import normalize_phone
from referral_crm.core.referrals.fhir import (
	FHIR_JSON,
	FHIRInputError,
	Issue,
	capability_statement,
	operation_outcome,
	read_referral_bundle,
	response_bundle,
	search_bundle,
	service_request_for,
	task_for,
)
from referral_crm.referral_sources.identifiers import phone_region
from referral_crm.referrals.intake import IntakeError, create_referral
from referral_crm.referrals.task_push import BASE_PATH, TASK_FIELDS, agency_name, base_url

HL7_PATH = "hl7/v2"


class FHIRServer:
	"""A website page renderer (hooks: page_renderer) answering every path under /fhir/r4 and /hl7/v2."""

	def __init__(self, path=None, http_status_code=None):
		self.path = (path or frappe.local.request.path).strip("/ ")

	def can_render(self) -> bool:
		return self.path in (BASE_PATH, HL7_PATH) or self.path.startswith(BASE_PATH + "/")

	def render(self) -> Response:
		if self.path == HL7_PATH:
			from referral_crm.referrals.hl7v2 import http_endpoint

			return http_endpoint()
		request = frappe.local.request
		parts = self.path[len(BASE_PATH) :].strip("/").split("/") if self.path != BASE_PATH else []
		try:
			status, body = route(request.method, parts, request)
		except FHIRInputError as e:
			frappe.db.rollback()
			status, body = 400, operation_outcome(e.issues)
		except frappe.RateLimitExceededError as e:
			frappe.db.rollback()
			status, body = 429, outcome_of(e, "throttled")
		except frappe.PermissionError as e:
			frappe.db.rollback()
			status, body = (401 if frappe.session.user == "Guest" else 403), outcome_of(e, "forbidden")
		except frappe.DoesNotExistError as e:
			frappe.db.rollback()
			status, body = 404, outcome_of(e, "not-found")
		except frappe.ValidationError as e:
			frappe.db.rollback()
			status, body = 422, outcome_of(e, "processing")
		except Exception as e:
			frappe.db.rollback()
			frappe.log_error(title="FHIR request failed")
			status, body = 500, outcome_of(e, "exception")
		finally:
			frappe.local.message_log = []
		return Response(json.dumps(body), status=status, content_type=FHIR_JSON)


def outcome_of(error: Exception, code: str, expression: str = "") -> dict:
	text = strip_html(str(error)).strip() or _(error.__class__.__name__)
	return operation_outcome([Issue(expression, text, code)])


def route(method: str, parts: list[str], request) -> tuple[int, dict]:
	if parts == ["metadata"] and method == "GET":
		return 200, capability_statement(base_url(), __version__, "2026-11-29")
	if frappe.session.user == "Guest":
		raise frappe.PermissionError(_("Authenticate with an API key and secret or an OAuth2 bearer token."))
	if method == "POST" and parts in ([], ["Bundle"]):
		return receive_bundle(request.get_data(as_text=True))
	if method == "GET" and len(parts) == 2 and parts[0] == "ServiceRequest":
		return 200, read_service_request(parts[1])
	if method == "GET" and len(parts) == 2 and parts[0] == "Task":
		return 200, read_task(parts[1])
	if method == "GET" and parts == ["Task"]:
		return 200, search_tasks(request.args)
	raise frappe.DoesNotExistError(
		_("{0} /{1} is not offered here; see metadata.").format(method, "/".join(parts))
	)


def receive_bundle(text: str) -> tuple[int, dict]:
	"""A referral bundle in; the resources the app now holds for it out (201, or 200 when sent before)."""
	frappe.has_permission("Referral", "create", throw=True)
	try:
		data = json.loads(text or "null")
	except ValueError:
		raise FHIRInputError([Issue("Bundle", "the body is not JSON")])
	incoming = read_referral_bundle(data)
	keep_dialable_phone(incoming)
	requester = incoming.requester
	try:
		result = create_referral(
			patient=incoming.patient,
			referring_provider={
				"first_name": requester.first_name,
				"last_name": requester.last_name,
				"npi": requester.npi or None,
				"credential": requester.credential or None,
				"phone": requester.phone or None,
				"fax": requester.fax or None,
			}
			if requester and (requester.last_name or requester.npi)
			else None,
			external_id=incoming.external_id,
			channel="EHR / e-Referral",
			service_line=matching_service_line(incoming.requested_service),
			diagnosis=incoming.diagnosis() or None,
			attachments=[
				{"filename": d.filename, "content_base64": d.content_base64} for d in incoming.documents
			],
		)
	except IntakeError as e:
		raise FHIRInputError([Issue("Bundle", strip_html(str(e)))])
	referral = result["name"]
	if result["duplicate"]:
		return 200, response_bundle([("ServiceRequest", referral, "200 OK")], incoming.notes)
	practice = frappe.db.get_value("Referral", referral, "referring_practice")
	if not practice and incoming.organization and incoming.organization.npi:
		practice = frappe.db.get_value("Practice", {"npi": incoming.organization.npi})
		if practice:
			doc = frappe.get_doc("Referral", referral)
			doc.referring_practice = practice
			doc.save()
	created = [("ServiceRequest", referral, "201 Created")]
	if result.get("referring_provider"):
		how = result.get("referring_provider_matched_by")
		created.append(
			("Practitioner", result["referring_provider"], "201 Created" if how == "created" else "200 OK")
		)
	if practice:
		created.append(("Organization", practice, "200 OK"))
	for name in frappe.get_all(
		"File", filters={"attached_to_doctype": "Referral", "attached_to_name": referral}, pluck="name"
	):
		created.append(("DocumentReference", name, "201 Created"))
	return 201, response_bundle(created, incoming.notes)


def keep_dialable_phone(incoming) -> None:
	"""A patient phone the agency cannot dial (another country's local number) is left out, not refused."""
	phone = incoming.patient.get("phone")
	if not phone:
		return
	try:
		normalize_phone(phone, phone_region())
	except ValueError:
		incoming.patient["phone"] = None
		incoming.notes.append(
			Issue(
				"Patient.telecom",
				_("the patient's phone is not a number here; not kept"),
				"value",
				"information",
			)
		)


def matching_service_line(requested: str) -> str | None:
	return frappe.db.get_value("Service Line", requested) if requested else None


def load_referral(name: str) -> dict:
	if not frappe.db.exists("Referral", name):
		raise frappe.DoesNotExistError(_("ServiceRequest/{0} is not known here.").format(name))
	frappe.has_permission("Referral", "read", name, throw=True)
	return frappe.db.get_value("Referral", name, [*TASK_FIELDS, "referring_provider"], as_dict=True)


def read_service_request(name: str) -> dict:
	referral = load_referral(name)
	patient = None
	if reads_phi("Referral"):
		first, last = frappe.db.get_value("Referral", name, ["patient_first_name", "patient_last_name"])
		patient = f"{first} {last}"
		record("API", "Referral", [name], request=f"GET /{BASE_PATH}/ServiceRequest/{name}")
	if referral.referring_provider:
		npi, provider_name = frappe.db.get_value(
			"Provider", referral.referring_provider, ["npi", "provider_name"]
		)
		referral.update({"referring_provider_npi": npi, "referring_provider_name": provider_name})
	return service_request_for(referral, base_url(), patient)


def read_task(name: str) -> dict:
	return task_for(load_referral(name), base_url(), agency_name())


def search_tasks(args) -> dict:
	"""Task?based-on=ServiceRequest/[id] (or focus=): the referral's Task; our ids or the sender's."""
	wanted = args.get("based-on") or args.get("focus") or ""
	name = wanted.rstrip("/").split("/")[-1] if wanted else ""
	found = []
	if name and frappe.db.exists("Referral", name):
		found = [read_task(name)]
	elif wanted:
		# the sender's own ServiceRequest id, as it sent it
		for referral in frappe.get_list(
			"Referral",
			filters={"external_id": ("in", [wanted, f"ServiceRequest/{name}"])},
			pluck="name",
			limit=10,
		):
			found.append(read_task(referral))
	else:
		raise FHIRInputError([Issue("Task", "search by based-on or focus (ServiceRequest/[id])", "required")])
	return search_bundle(found, f"{base_url()}/Task?based-on={wanted}")
