"""Street-address geocoding through a Nominatim-compatible search service.

No Frappe here: the caller passes the settings in and decides what a failure means.
"""

import requests

from referral_crm.integrations.http import retrying_session

TIMEOUT_SECONDS = 10
USER_AGENT = "referral_crm geocoder"


class GeocoderUnavailable(Exception):
	"""The service could not be reached or kept failing; the message says why, for a person to read."""


def geocode_address(
	base_url: str,
	*,
	street: str,
	city: str,
	state: str,
	postal_code: str,
	api_key: str | None = None,
	contact_email: str | None = None,
	session: requests.Session | None = None,
) -> tuple[float, float] | None:
	"""(latitude, longitude) of a US street address, or None when the service knows no such place."""
	params = {
		"format": "json",
		"limit": 1,
		"countrycodes": "us",
		"street": street,
		"city": city,
		"state": state,
		"postalcode": postal_code,
	}
	if api_key:
		params["key"] = api_key
	if contact_email:
		params["email"] = contact_email
	session = session or retrying_session()
	url = base_url.rstrip("/") + "/search"
	try:
		response = session.get(
			url, params=params, timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT}
		)
	except requests.RequestException as e:
		raise GeocoderUnavailable(f"the geocoder at {base_url} could not be reached ({e.__class__.__name__})")
	if response.status_code == 404:
		return None
	if response.status_code >= 400:
		raise GeocoderUnavailable(f"the geocoder at {base_url} answered HTTP {response.status_code}")
	try:
		places = response.json()
	except ValueError:
		raise GeocoderUnavailable(f"the geocoder at {base_url} did not answer with JSON")
	if not isinstance(places, list) or not places:
		return None
	try:
		return float(places[0]["lat"]), float(places[0]["lon"])
	except (KeyError, TypeError, ValueError):
		raise GeocoderUnavailable(f"the geocoder at {base_url} answered in an unexpected shape")
