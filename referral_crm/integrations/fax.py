"""An HTTP fax API: post the PDF, read the answer. No Frappe here; the outbox decides what happens next.

The request is a multipart POST of `to`, `from` and `file` (the PDF), with basic authentication,
the shape most fax APIs (Documo, Sfax, Telnyx-style gateways behind a small adapter) accept.
"""

import requests

from referral_crm.core.outreach.outbox import FAILED, RETRY, SENT, http_outcome

TIMEOUT_SECONDS = 30


class FaxSendError(Exception):
	def __init__(self, message: str, outcome: str):
		super().__init__(message)
		self.outcome = outcome  # RETRY or FAILED


def send_fax(
	url: str,
	*,
	to_number: str,
	from_number: str | None,
	pdf: bytes,
	filename: str,
	username: str | None = None,
	password: str | None = None,
	session: requests.Session | None = None,
) -> str:
	"""Hand the fax to the API; return its job reference. Raises FaxSendError saying whether to retry."""
	session = session or requests.Session()
	try:
		response = session.post(
			url,
			data={"to": to_number, "from": from_number or ""},
			files={"file": (filename, pdf, "application/pdf")},
			auth=(username, password) if username else None,
			timeout=TIMEOUT_SECONDS,
		)
	except requests.RequestException as e:
		raise FaxSendError(f"the fax service could not be reached ({e.__class__.__name__})", RETRY)
	outcome = http_outcome(response.status_code)
	if outcome != SENT:
		detail = (response.text or "").strip()[:200]
		raise FaxSendError(f"the fax service answered HTTP {response.status_code}: {detail}", outcome)
	try:
		body = response.json()
	except ValueError:
		body = {}
	return (
		str(body.get("id") or body.get("fax_id") or body.get("reference") or "")
		if isinstance(body, dict)
		else ""
	)


__all__ = ["FAILED", "RETRY", "FaxSendError", "send_fax"]
