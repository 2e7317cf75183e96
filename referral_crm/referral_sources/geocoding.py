"""Practice coordinates: the ZIP centre on every save, the street address when a geocoder is set up."""

import frappe
from frappe import _

from referral_crm.core.referral_sources.geocode import (
	ADDRESS,
	BY_HAND,
	ZIP_CENTROID,
	is_valid_point,
	zip_centroid,
)
from referral_crm.integrations.geocoder import GeocoderUnavailable, geocode_address

SETTINGS = "Referral CRM Settings"
NOMINATIM = "Nominatim"
ADDRESS_FIELDS = ("address_line1", "city", "state", "zip_code")


def set_coordinates(doc) -> None:
	"""Coordinates typed by a person stay; otherwise a new or changed ZIP moves the office to its centre."""
	typed = doc.has_value_changed("latitude") or doc.has_value_changed("longitude")
	if typed and is_valid_point(doc.latitude, doc.longitude):
		doc.geocode_source = BY_HAND
		return
	if doc.geocode_source == BY_HAND and is_valid_point(doc.latitude, doc.longitude):
		return
	if doc.has_value_changed("zip_code") or not is_valid_point(doc.latitude, doc.longitude):
		point = zip_centroid(doc.zip_code)
		doc.latitude, doc.longitude = point or (None, None)
		doc.geocode_source = ZIP_CENTROID if point else None


def queue_address_geocoding(doc) -> None:
	"""After the save, never during it: a slow or absent geocoder must not hold up the form."""
	if (
		doc.geocode_source == BY_HAND
		or not doc.address_line1
		or not any(doc.has_value_changed(field) for field in ADDRESS_FIELDS)
	):
		return
	if frappe.db.get_single_value(SETTINGS, "geocoder") != NOMINATIM:
		return
	frappe.enqueue(
		"referral_crm.referral_sources.geocoding.geocode_practice",
		practice=doc.name,
		job_id=f"referral_crm_geocode::{doc.name}",
		deduplicate=True,
		enqueue_after_commit=True,
	)


def geocode_practice(practice: str) -> bool:
	"""Place the practice at its street address. A failure keeps the ZIP centre and says so on the practice."""
	doc = frappe.get_doc("Practice", practice)
	if doc.geocode_source == BY_HAND:
		return False
	settings = frappe.get_single(SETTINGS)
	try:
		point = geocode_address(
			settings.geocoder_url,
			street=" ".join(filter(None, (doc.address_line1, doc.address_line2))),
			city=doc.city or "",
			state=doc.state or "",
			postal_code=doc.zip_code or "",
			api_key=settings.get_password("geocoder_api_key", raise_exception=False),
			contact_email=settings.geocoder_contact_email,
		)
	except GeocoderUnavailable as e:
		doc.add_comment(
			"Comment",
			_(
				"Could not place this practice at its street address: {0}. It stays at its ZIP code's centre."
			).format(e),
		)
		return False
	if not point:
		doc.add_comment(
			"Comment",
			_(
				"The geocoder does not know the address {0}; the practice stays at its ZIP code's centre."
			).format(
				frappe.bold(", ".join(filter(None, (doc.address_line1, doc.city, doc.state, doc.zip_code))))
			),
		)
		return False
	frappe.db.set_value(
		"Practice",
		practice,
		{"latitude": point[0], "longitude": point[1], "geocode_source": ADDRESS},
		update_modified=False,
	)
	return True
