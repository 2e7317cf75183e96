"""Where an office is: coordinates from the ZIP code, with no network.

The `zipcodes` package ships the US ZIP centroids as data, so every practice with a ZIP gets a
point on the map and a place in a route the moment it is saved. An address geocoder, when an
agency configures one, refines that point later; a ZIP centroid is never worse than nothing.
"""

from functools import cache

import zipcodes

from referral_crm.core.errors import InvalidZipCodeError
from referral_crm.core.referral_sources.territory import normalize_zip

ZIP_CENTROID = "ZIP Centroid"
ADDRESS = "Address"
BY_HAND = "By Hand"


@cache
def _centroids() -> dict[str, tuple[float, float]]:
	return {
		row["zip_code"]: (float(row["lat"]), float(row["long"]))
		for row in zipcodes.list_all()
		if row.get("lat") and row.get("long")
	}


def zip_centroid(zip_code: str | None) -> tuple[float, float] | None:
	"""(latitude, longitude) of the ZIP's centroid; None for an empty, malformed or unknown ZIP."""
	try:
		zip5 = normalize_zip(zip_code)
	except InvalidZipCodeError:
		return None
	return _centroids().get(zip5) if zip5 else None


def is_valid_point(latitude: float | None, longitude: float | None) -> bool:
	"""A point on Earth that is not the (0, 0) an empty Float field holds."""
	if latitude is None or longitude is None:
		return False
	return -90 <= latitude <= 90 and -180 <= longitude <= 180 and (latitude, longitude) != (0, 0)
