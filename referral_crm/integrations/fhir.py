"""A referrer's FHIR server: PUT a resource, read the answer. No Frappe here; the outbox decides what next."""

import json

import requests

from referral_crm.core.outreach.outbox import FAILED, RETRY, SENT, http_outcome

TIMEOUT_SECONDS = (5, 20)  # connect, read: a slow server is retried later rather than holding a worker
FHIR_JSON = "application/fhir+json"


class FHIRSendError(Exception):
	def __init__(self, message: str, outcome: str):
		super().__init__(message)
		self.outcome = outcome  # RETRY or FAILED


def put_resource(base_url: str, resource: dict, session: requests.Session | None = None) -> str:
	"""Create or update the resource at [base]/[type]/[id] (FHIR's update-as-create); return the
	version or location the server gives back. Raises FHIRSendError saying whether to retry."""
	url = f"{base_url.rstrip('/')}/{resource['resourceType']}/{resource['id']}"
	session = session or requests.Session()
	try:
		response = session.put(
			url,
			data=json.dumps(resource),
			headers={"Content-Type": FHIR_JSON, "Accept": FHIR_JSON},
			timeout=TIMEOUT_SECONDS,
		)
	except requests.Timeout:
		raise FHIRSendError(f"{url} did not answer in time", RETRY)
	except requests.RequestException as e:
		raise FHIRSendError(f"{url} could not be reached: {e.__class__.__name__}", RETRY)
	outcome = http_outcome(response.status_code)
	if outcome == SENT:
		return response.headers.get("ETag") or response.headers.get("Location") or str(response.status_code)
	detail = _diagnostics(response)
	raise FHIRSendError(
		f"{url} answered {response.status_code}" + (f": {detail}" if detail else ""),
		RETRY if outcome == RETRY else FAILED,
	)


def _diagnostics(response) -> str:
	"""What an OperationOutcome in the answer says, short."""
	try:
		body = response.json()
	except ValueError:
		return response.text[:200].strip()
	issues = body.get("issue") if isinstance(body, dict) else None
	if not issues:
		return ""
	return "; ".join(str(i.get("diagnostics") or i.get("code") or "") for i in issues)[:300]
