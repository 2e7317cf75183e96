"""FHIR R4 referrals: a ServiceRequest bundle in, the referral's status out as a Task (the 360X closed loop).

Every resource in and out is checked against the FHIR models of `fhir.resources` (its R4B package:
R4 and R4B share ServiceRequest, Patient, Practitioner, PractitionerRole, Organization,
DocumentReference, Task, Bundle, OperationOutcome and CapabilityStatement). Problems come back as
issues naming the element, the way an OperationOutcome reports them.
"""

import base64
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import ValidationError

from referral_crm.core.errors import DomainError, InvalidNPIError
from referral_crm.core.referral_sources.npi import validate_npi

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
BUNDLE_TYPES = ("transaction", "collection")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PRIORITIES = ("routine", "urgent", "asap", "stat")

# Referral status -> (Task.status, Task.businessStatus text). A no-show is a business status of its own.
TASK_STATUS = {
	"Received": ("received", "Referral received"),
	"In Review": ("received", "Referral in review"),
	"Accepted": ("accepted", "Referral accepted"),
	"Scheduled": ("in-progress", "Start of care scheduled"),
	"Admitted": ("in-progress", "Patient admitted"),
	"Discharged": ("completed", "Patient discharged"),
	"Not Admitted": ("rejected", "Referral declined"),
	"Cancelled": ("cancelled", "Referral cancelled"),
}
NO_SHOW = ("on-hold", "Patient did not show")
# Referral status -> ServiceRequest.status.
REQUEST_STATUS = {
	"Received": "active",
	"In Review": "active",
	"Accepted": "active",
	"Scheduled": "active",
	"Admitted": "active",
	"Discharged": "completed",
	"Not Admitted": "revoked",
	"Cancelled": "revoked",
}


@dataclass(frozen=True)
class Issue:
	expression: str
	diagnostics: str
	code: str = "invalid"  # an OperationOutcome issue type: invalid, required, not-found, too-long, ...
	severity: str = "error"


class FHIRInputError(DomainError):
	def __init__(self, issues: list[Issue]):
		super().__init__("; ".join(f"{i.expression}: {i.diagnostics}" for i in issues))
		self.issues = issues


@dataclass
class Person:
	first_name: str = ""
	last_name: str = ""
	npi: str = ""
	credential: str = ""
	phone: str = ""
	fax: str = ""


@dataclass
class Document:
	filename: str
	content_base64: str
	content_type: str
	expression: str


@dataclass
class IncomingReferral:
	"""What an EHR's referral bundle says, in the app's terms."""

	external_id: str
	patient: dict
	requester: Person | None
	organization: Person | None  # an Organization carries a name and an NPI; first_name stays empty
	reason: str = ""
	requested_service: str = ""
	priority: str = ""
	occurrence: str = ""
	documents: list[Document] = field(default_factory=list)
	notes: list[Issue] = field(default_factory=list)  # what was understood but not taken (information)

	def diagnosis(self) -> str:
		"""The referral's reason and what was asked for, as the intake coordinator reads it."""
		lines = [self.reason] if self.reason else []
		asked = []
		if self.requested_service:
			asked.append(f"Requested: {self.requested_service}")
		if self.priority and self.priority != "routine":
			asked.append(f"priority {self.priority}")
		if self.occurrence:
			asked.append(f"from {self.occurrence}")
		if asked:
			lines.append(", ".join(asked))
		return "\n".join(lines)


def model(resource_type: str):
	"""The fhir.resources class of a resource type (R4B package), imported when first needed."""
	from importlib import import_module

	try:
		return getattr(import_module(f"fhir.resources.R4B.{resource_type.lower()}"), resource_type)
	except (ImportError, AttributeError):
		return None


def element_path(root: str, loc) -> str:
	"""pydantic's ('entry', 0, 'resource', 'birthDate') -> 'Bundle.entry[0].resource.birthDate'."""
	out = root
	for part in loc:
		if isinstance(part, int):
			out += f"[{part}]"
		elif part.endswith("Type") and part[:1].isupper():
			continue  # pydantic names the union member it tried (e.g. "PatientType"), not an element
		else:
			out += f".{part}"
	return out


def validate(data, root: str | None = None):
	"""The resource as its fhir.resources model, or FHIRInputError naming each invalid element."""
	if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
		raise FHIRInputError(
			[Issue(root or "Resource", "a FHIR resource is a JSON object with a resourceType")]
		)
	cls = model(data["resourceType"])
	if cls is None:
		raise FHIRInputError(
			[Issue(f"{root or 'Resource'}.resourceType", f"unknown resource type {data['resourceType']!r}")]
		)
	unknown = [
		Issue(f"{root or 'Bundle'}.entry[{i}].resource.resourceType", f"unknown resource type {kind!r}")
		for i, entry in enumerate(data.get("entry") or [])
		if isinstance(entry, dict)
		and isinstance(entry.get("resource"), dict)
		and isinstance(kind := entry["resource"].get("resourceType"), str)
		and model(kind) is None
	]
	if unknown:  # the model library fails on these with a KeyError, not a validation error
		raise FHIRInputError(unknown[:20])
	try:
		return cls.model_validate(data)
	except ValidationError as e:
		issues = []
		for error in e.errors():
			issues.append(
				Issue(
					element_path(root or data["resourceType"], error["loc"]),
					str(error["msg"]).removeprefix("Value error, "),
					"required"
					if error["type"] == "missing" or error["type"].endswith(".missing")
					else "structure"
					if "extra" in error["type"]
					else "invalid",
				)
			)
		raise FHIRInputError(issues[:20])


def read_referral_bundle(data: dict) -> IncomingReferral:
	"""The referral a transaction or collection Bundle carries: its ServiceRequest, Patient, requester
	(Practitioner, PractitionerRole, Organization) and DocumentReferences."""
	if isinstance(data, dict) and data.get("resourceType") not in (None, "Bundle"):
		raise FHIRInputError(
			[
				Issue(
					"Bundle.resourceType",
					f"send the referral as a transaction or collection Bundle, not a {data['resourceType']!r}",
					"value",
				)
			]
		)
	bundle = validate(data, "Bundle")
	if bundle.type not in BUNDLE_TYPES:
		raise FHIRInputError(
			[Issue("Bundle.type", f"send a transaction or collection bundle, not {bundle.type!r}", "value")]
		)
	entries = [(i, e) for i, e in enumerate(bundle.entry or []) if e.resource is not None]
	index = _index(entries)
	requests = [(i, e.resource) for i, e in entries if e.resource.get_resource_type() == "ServiceRequest"]
	if len(requests) != 1:
		raise FHIRInputError(
			[
				Issue(
					"Bundle.entry",
					"the bundle must hold exactly one ServiceRequest (the referral)"
					+ (f"; it holds {len(requests)}" if requests else ""),
					"required" if not requests else "invalid",
				)
			]
		)
	position, request = requests[0]
	at = f"Bundle.entry[{position}].resource"
	patient = _resolve(index, request.subject, "Patient")
	if patient is None:
		raise FHIRInputError(
			[
				Issue(
					f"{at}.subject",
					"the ServiceRequest's subject must be a Patient included in the bundle",
					"required",
				)
			]
		)
	requester, organization = _requester(index, request.requester)
	for person in (requester, organization):
		if person and person.npi:
			try:
				person.npi = validate_npi(person.npi)
			except InvalidNPIError:
				raise FHIRInputError(
					[
						Issue(
							f"{at}.requester",
							f"{person.npi!r} under {NPI_SYSTEM} is not a valid NPI",
							"value",
						)
					]
				)
	incoming = IncomingReferral(
		external_id=_external_id(request, dict(entries)[position], at),
		patient=_patient(patient[1], f"Bundle.entry[{patient[0]}].resource"),
		requester=requester,
		organization=organization,
		reason=_reason(index, request),
		requested_service=_concept_text(request.code),
		priority=request.priority or "",
		occurrence=_occurrence(request),
	)
	for i, entry in entries:
		if entry.resource.get_resource_type() == "DocumentReference":
			incoming.documents.extend(_documents(entry.resource, f"Bundle.entry[{i}].resource", incoming))
	return incoming


def _index(entries) -> dict:
	"""Resources by every name a reference may use: fullUrl, Type/id and the fullUrl's tail."""
	index = {}
	for i, entry in entries:
		resource = entry.resource
		keys = set()
		if entry.fullUrl:
			keys.add(entry.fullUrl)
			tail = "/".join(entry.fullUrl.rstrip("/").split("/")[-2:])
			keys.add(tail)
		if resource.id:
			keys.add(f"{resource.get_resource_type()}/{resource.id}")
		for key in keys:
			index[key] = (i, resource)
	return index


def _resolve(index: dict, reference, *types: str):
	if reference is None or not reference.reference:
		return None
	found = index.get(reference.reference)
	if found and found[1].get_resource_type() in types:
		return found
	return None


def _external_id(request, entry, at: str) -> str:
	"""The sender's id of its referral: the ServiceRequest's identifier (the placer's, if marked), else
	the resource id the sender gave it."""
	identifiers = [i for i in (request.identifier or []) if i.value]
	placer = [i for i in identifiers if i.type and any(c.code == "PLAC" for c in (i.type.coding or []))]
	chosen = (placer or identifiers or [None])[0]
	if chosen is not None:
		return f"{chosen.system}|{chosen.value}" if chosen.system else chosen.value
	if request.id:
		return f"ServiceRequest/{request.id}"
	if entry.fullUrl and not entry.fullUrl.startswith("urn:"):
		return entry.fullUrl
	raise FHIRInputError(
		[
			Issue(
				f"{at}.identifier",
				"the ServiceRequest needs an identifier (or an id) to be received once",
				"required",
			)
		]
	)


def _names(names) -> tuple[str, str, str]:
	"""(given, family, credential) of the official (else first) HumanName."""
	if not names:
		return "", "", ""
	name = next((n for n in names if n.use == "official"), names[0])
	given = " ".join(name.given or []).strip()
	family = (name.family or "").strip()
	if not family and name.text:
		parts = name.text.split()
		given, family = " ".join(parts[:-1]), parts[-1] if parts else ""
	return given, family, ", ".join(name.suffix or [])


def _telecom(points, system: str) -> str:
	for point in points or []:
		if point.system == system and point.value:
			return point.value
	return ""


def _npi(identifiers) -> str:
	for identifier in identifiers or []:
		if identifier.system == NPI_SYSTEM and identifier.value:
			return identifier.value.strip()
	return ""


def _patient(patient, at: str) -> dict:
	given, family, _suffix = _names(patient.name)
	if not family:
		raise FHIRInputError([Issue(f"{at}.name", "the Patient needs a family name", "required")])
	return {
		"first_name": given or family,
		"last_name": family,
		"date_of_birth": patient.birthDate.isoformat() if isinstance(patient.birthDate, date) else None,
		"phone": _telecom(patient.telecom, "phone") or None,
	}


def _person(resource) -> Person:
	given, family, credential = _names(resource.name)
	return Person(
		first_name=given,
		last_name=family,
		npi=_npi(resource.identifier),
		credential=credential,
		phone=_telecom(resource.telecom, "phone"),
		fax=_telecom(resource.telecom, "fax"),
	)


def _requester(index: dict, reference) -> tuple[Person | None, Person | None]:
	"""The requesting practitioner and organisation, through a PractitionerRole when that is what was sent."""
	found = _resolve(index, reference, "Practitioner", "PractitionerRole", "Organization")
	practitioner = organization = None
	if found and found[1].get_resource_type() == "PractitionerRole":
		role = found[1]
		practitioner = _resolve(index, role.practitioner, "Practitioner")
		organization = _resolve(index, role.organization, "Organization")
		role_npi = _npi(role.identifier)
		person = _person(practitioner[1]) if practitioner else None
		if person and role_npi and not person.npi:
			person.npi = role_npi
		return person, _organization(organization[1]) if organization else None
	if found and found[1].get_resource_type() == "Practitioner":
		practitioner = found
	if found and found[1].get_resource_type() == "Organization":
		organization = found
	if reference is not None and found is None and reference.display:
		given, _sep, family = reference.display.rpartition(" ")
		return Person(first_name=given, last_name=family.strip(",")), None
	return (
		_person(practitioner[1]) if practitioner else None,
		_organization(organization[1]) if organization else None,
	)


def _organization(organization) -> Person:
	return Person(
		last_name=organization.name or "",
		npi=_npi(organization.identifier),
		phone=_telecom(organization.telecom, "phone"),
		fax=_telecom(organization.telecom, "fax"),
	)


def _concept_text(concept) -> str:
	if concept is None:
		return ""
	if concept.text:
		return concept.text
	for coding in concept.coding or []:
		if coding.display:
			return coding.display
	return next((c.code for c in concept.coding or [] if c.code), "")


def _reason(index: dict, request) -> str:
	reasons = [_concept_text(c) for c in request.reasonCode or []]
	for reference in request.reasonReference or []:
		found = _resolve(index, reference, "Condition", "Observation", "DiagnosticReport")
		if found is not None:
			reasons.append(_concept_text(found[1].code))
		elif reference.display:
			reasons.append(reference.display)
	return "; ".join(r for r in reasons if r)


def _occurrence(request) -> str:
	when = request.occurrenceDateTime or (
		request.occurrencePeriod.start if request.occurrencePeriod else None
	)
	if isinstance(when, datetime):
		return when.date().isoformat()
	if isinstance(when, date):
		return when.isoformat()
	return str(when) if when else ""


def _documents(reference, at: str, incoming: IncomingReferral) -> list[Document]:
	"""The referral packet's files carried inline (attachment.data); a URL alone is noted, not fetched."""
	out = []
	for n, content in enumerate(reference.content or []):
		attachment = content.attachment
		where = f"{at}.content[{n}].attachment"
		if not attachment.data:
			incoming.notes.append(
				Issue(
					where,
					"only attachments carried inline (data) are kept; a url is not fetched",
					"not-supported",
					"information",
				)
			)
			continue
		# the model has decoded the base64 (refusing what is not base64) and requires the attachment
		size = len(attachment.data)
		data = base64.b64encode(attachment.data).decode()
		if size > MAX_ATTACHMENT_BYTES:
			raise FHIRInputError(
				[
					Issue(
						f"{where}.data",
						f"the attachment is {size} bytes; at most 10 MB is accepted",
						"too-long",
					)
				]
			)
		extension = {"application/pdf": ".pdf", "image/tiff": ".tif", "text/plain": ".txt"}.get(
			attachment.contentType, ""
		)
		title = (attachment.title or reference.description or f"referral-document-{n + 1}").strip()
		filename = title if "." in title[-5:] else title + extension
		out.append(Document(filename, data, attachment.contentType or "", where))
	return out


def operation_outcome(issues: list[Issue]) -> dict:
	outcome = {
		"resourceType": "OperationOutcome",
		"issue": [
			{
				"severity": i.severity,
				"code": i.code,
				"diagnostics": i.diagnostics,
				**({"expression": [i.expression]} if i.expression else {}),
			}
			for i in issues
		],
	}
	return checked(outcome)


def checked(resource: dict) -> dict:
	"""A resource on its way out, validated by its model (a mistake here is ours: it raises)."""
	model(resource["resourceType"]).model_validate(resource)
	return resource


def task_for(referral: dict, base_url: str, owner: str) -> dict:
	"""The referral's current status as the Task that closes the loop on the sender's ServiceRequest.

	`referral` holds name, status, no_show, non_admit_reason, non_admit_notes, external_id, modified,
	start_of_care, discharged_at, received_at."""
	status, business = TASK_STATUS[referral["status"]]
	if referral.get("no_show") and referral["status"] not in ("Admitted", "Discharged", "Cancelled"):
		status, business = NO_SHOW
	task = {
		"resourceType": "Task",
		"id": referral["name"],
		"identifier": [{"system": f"{base_url}/Task", "value": referral["name"]}],
		"basedOn": [_request_reference(referral, base_url)],
		"status": status,
		"businessStatus": {"text": business},
		"intent": "order",
		"code": {
			"coding": [
				{
					"system": "http://hl7.org/fhir/CodeSystem/task-code",
					"code": "fulfill",
					"display": "Fulfill the focal request",
				}
			]
		},
		"focus": {"reference": f"{base_url}/ServiceRequest/{referral['name']}"},
		"authoredOn": _instant(referral.get("received_at")),
		"lastModified": _instant(referral.get("modified")),
		"owner": {"display": owner},
	}
	if status == "rejected":
		reason = referral.get("non_admit_reason") or "Other"
		task["statusReason"] = {"text": reason}
	if referral.get("start_of_care") and referral["status"] in ("Scheduled", "Admitted", "Discharged"):
		period = {"start": _instant(referral["start_of_care"])}
		if referral.get("discharged_at") and referral["status"] == "Discharged":
			period["end"] = _instant(referral["discharged_at"])
		task["executionPeriod"] = period
	return checked({k: v for k, v in task.items() if v is not None})


def _request_reference(referral: dict, base_url: str) -> dict:
	"""The sender's own ServiceRequest when it came in by FHIR (its identifier), else ours."""
	external = referral.get("external_id") or ""
	if external.startswith(("http://", "https://")) or external.startswith("ServiceRequest/"):
		return {"reference": external}
	if "|" in external:
		system, value = external.split("|", 1)
		return {"type": "ServiceRequest", "identifier": {"system": system, "value": value}}
	if external:
		return {"type": "ServiceRequest", "identifier": {"value": external}}
	return {"reference": f"{base_url}/ServiceRequest/{referral['name']}"}


def _instant(value) -> str | None:
	if not value:
		return None
	if isinstance(value, str):
		value = datetime.fromisoformat(value)
	if isinstance(value, datetime):
		return value.astimezone().isoformat(timespec="seconds") if value.tzinfo is None else value.isoformat()
	return datetime(value.year, value.month, value.day).astimezone().isoformat(timespec="seconds")


def service_request_for(referral: dict, base_url: str, patient_display: str | None) -> dict:
	"""Our view of a received referral as a ServiceRequest with its current status."""
	request = {
		"resourceType": "ServiceRequest",
		"id": referral["name"],
		"identifier": [{"system": f"{base_url}/ServiceRequest", "value": referral["name"]}],
		"status": REQUEST_STATUS[referral["status"]],
		"intent": "order",
		"subject": {"display": patient_display}
		if patient_display
		else {"display": "(patient data withheld)"},
		"authoredOn": _instant(referral.get("received_at")),
	}
	external = referral.get("external_id") or ""
	if "|" in external:
		system, value = external.split("|", 1)
		request["identifier"].append(
			{
				"system": system,
				"value": value,
				"type": {
					"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "PLAC"}]
				},
			}
		)
	if referral.get("referring_provider_npi"):
		request["requester"] = {
			"identifier": {"system": NPI_SYSTEM, "value": referral["referring_provider_npi"]},
			"display": referral.get("referring_provider_name") or None,
		}
		request["requester"] = {k: v for k, v in request["requester"].items() if v}
	return checked({k: v for k, v in request.items() if v is not None})


def search_bundle(resources: list[dict], self_url: str) -> dict:
	return checked(
		{
			"resourceType": "Bundle",
			"type": "searchset",
			"total": len(resources),
			"link": [{"relation": "self", "url": self_url}],
			"entry": [
				{
					"fullUrl": f"{self_url.split('?')[0].rsplit('/', 1)[0]}/{r['resourceType']}/{r['id']}",
					"resource": r,
				}
				for r in resources
			],
		}
	)


def response_bundle(created: list[tuple[str, str, str]], notes: list[Issue]) -> dict:
	"""The answer to a referral bundle: each resource the app holds for it, with its status and location.

	`created` is [(resource type, id, "201 Created" | "200 OK")]."""
	entries = [
		{"response": {"status": status, "location": f"{resource_type}/{resource_id}"}}
		for resource_type, resource_id, status in created
	]
	if notes:
		entries[0]["response"]["outcome"] = operation_outcome(notes)
	return checked({"resourceType": "Bundle", "type": "transaction-response", "entry": entries})


def capability_statement(base_url: str, software_version: str, published: str) -> dict:
	def interaction(*codes):
		return [{"code": c} for c in codes]

	return checked(
		{
			"resourceType": "CapabilityStatement",
			"status": "active",
			"date": published,
			"kind": "instance",
			"software": {"name": "Referral CRM", "version": software_version},
			"implementation": {"description": "Referral intake and closed-loop status", "url": base_url},
			"fhirVersion": FHIR_VERSION,
			"format": ["json"],
			"rest": [
				{
					"mode": "server",
					"documentation": "Send a referral as a transaction Bundle (POST [base]) or a collection "
					"Bundle (POST [base]/Bundle) with one ServiceRequest, its Patient, the requester and "
					"DocumentReferences. Follow it as ServiceRequest/[id] and Task?based-on=ServiceRequest/[id].",
					"security": {
						"service": [
							{
								"coding": [
									{
										"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
										"code": "OAuth",
									}
								],
								"text": "API key and secret (Authorization: token key:secret) or an OAuth2 bearer token",
							}
						]
					},
					"resource": [
						{"type": "ServiceRequest", "interaction": interaction("read")},
						{
							"type": "Task",
							"interaction": interaction("read", "search-type"),
							"searchParam": [
								{"name": "based-on", "type": "reference"},
								{"name": "focus", "type": "reference"},
							],
						},
					],
					"interaction": interaction("transaction"),
				}
			],
		}
	)
