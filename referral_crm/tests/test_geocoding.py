"""Practices on the map: ZIP centres offline, street addresses from a geocoder, row permissions on the map."""

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.core.referral_sources.geocode import zip_centroid
from referral_crm.referral_sources.geocoding import geocode_practice
from referral_crm.referral_sources.maps import get_practice_coords
from referral_crm.testing import (
	RecordedServer,
	json_answer,
	make_practice,
	make_territory,
	make_user,
	unique_zip,
)

SETTINGS = "Referral CRM Settings"


class TestGeocoding(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_new_practice_sits_at_its_zip_centre_and_follows_a_new_zip(self):
		practice = make_practice(zip_code="10451")
		self.assertEqual((practice.latitude, practice.longitude), zip_centroid("10451"))
		self.assertEqual(practice.geocode_source, "ZIP Centroid")

		practice.zip_code = "11201"
		practice.save()
		self.assertEqual((practice.latitude, practice.longitude), zip_centroid("11201"))
		self.assertNotEqual(zip_centroid("10451"), zip_centroid("11201"))

	def test_coordinates_typed_by_a_person_survive_a_zip_change(self):
		practice = make_practice(zip_code="10451")
		practice.latitude, practice.longitude = 40.8201, -73.9240
		practice.save()
		self.assertEqual(practice.geocode_source, "By Hand")

		practice.zip_code = "10452"
		practice.save()
		self.assertEqual((practice.latitude, practice.longitude), (40.8201, -73.9240))

	def test_an_unknown_zip_leaves_no_point_at_sea(self):
		practice = make_practice(zip_code="00000")
		self.assertFalse(practice.latitude or practice.longitude)
		self.assertFalse(practice.geocode_source)

	def test_the_geocoder_places_a_practice_at_its_street_address(self):
		practice = make_practice(zip_code="10451", address_line1="600 E 161st St", city="Bronx")
		with RecordedServer(lambda r: json_answer([{"lat": "40.8262", "lon": "-73.9190"}])) as server:
			self.use_geocoder(server.url)
			self.assertTrue(geocode_practice(practice.name))
		self.assertEqual(server.requests[0]["query"]["street"], "600 E 161st St")
		self.assertEqual(server.requests[0]["query"]["postalcode"], "10451")
		values = frappe.db.get_value("Practice", practice.name, ["latitude", "longitude", "geocode_source"])
		self.assertEqual(values, (40.8262, -73.919, "Address"))

	def test_a_failing_geocoder_keeps_the_zip_centre_and_says_so_on_the_practice(self):
		practice = make_practice(zip_code="10451", address_line1="600 E 161st St", city="Bronx")
		with RecordedServer(lambda r: (503, "text/plain", b"busy")) as server:
			self.use_geocoder(server.url)
			self.assertFalse(geocode_practice(practice.name))
		self.assertGreater(len(server.requests), 1, "a 503 is retried")
		values = frappe.db.get_value("Practice", practice.name, ["latitude", "longitude", "geocode_source"])
		self.assertEqual(values, (*zip_centroid("10451"), "ZIP Centroid"))
		comment = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Practice", "reference_name": practice.name},
			pluck="content",
		)
		self.assertTrue(any("HTTP 503" in c for c in comment), comment)

	def test_the_map_shows_only_practices_the_user_may_see(self):
		liaison = make_user(["Physician Liaison"])
		own_zip, other_zip = unique_zip(), unique_zip()
		make_territory(zip_codes=[own_zip], members=[(liaison, "Physician Liaison")])
		make_territory(zip_codes=[other_zip])
		mine = make_practice(zip_code=own_zip, latitude=40.7, longitude=-73.9)
		theirs = make_practice(zip_code=other_zip, latitude=40.8, longitude=-73.8)

		frappe.set_user(liaison)
		popups = " ".join(f["properties"]["name"] for f in get_practice_coords("Practice")["features"])
		self.assertIn(mine.name, popups)
		self.assertNotIn(theirs.name, popups)

	def use_geocoder(self, url):
		frappe.db.set_single_value(SETTINGS, {"geocoder": "Nominatim", "geocoder_url": url})
