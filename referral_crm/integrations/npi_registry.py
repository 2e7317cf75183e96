"""CMS's NPI Registry API (version 2.1): one NPI in, one record out. No Frappe here."""

import requests

from referral_crm.core.referral_sources.nppes import NppesRecord, record_from_api
from referral_crm.integrations.http import retrying_session

DEFAULT_URL = "https://npiregistry.cms.hhs.gov/api/"
TIMEOUT_SECONDS = 10


class NpiRegistryUnavailable(Exception):
	"""The registry could not be reached or did not answer sensibly; the message says why."""


class NpiNotFound(Exception):
	"""The registry answered: it has no such NPI."""


def lookup_npi(npi: str, base_url: str | None = None, session: requests.Session | None = None) -> NppesRecord:
	url = base_url or DEFAULT_URL
	session = session or retrying_session()
	try:
		response = session.get(url, params={"version": "2.1", "number": npi}, timeout=TIMEOUT_SECONDS)
	except requests.RequestException as e:
		raise NpiRegistryUnavailable(f"no answer from {url} ({e.__class__.__name__})")
	if response.status_code >= 400:
		raise NpiRegistryUnavailable(f"{url} answered HTTP {response.status_code}")
	try:
		body = response.json()
	except ValueError:
		raise NpiRegistryUnavailable(f"{url} did not answer with JSON")
	if errors := body.get("Errors"):
		raise NpiRegistryUnavailable("; ".join(str(e.get("description") or e) for e in errors))
	results = body.get("results") or []
	if not results:
		raise NpiNotFound(npi)
	return record_from_api(results[0])
