# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.referral_sources.identifiers import InvalidNPI
from referral_crm.testing import make_practice, make_provider, make_territory


class TestProvider(FrappeTestCase):
	def test_cms_example_npi_is_accepted_and_a_wrong_check_digit_refused(self):
		if frappe.db.exists("Provider", {"npi": "1234567893"}) or frappe.db.exists(
			"Practice", {"npi": "1234567893"}
		):
			frappe.db.delete("Provider", {"npi": "1234567893"})
			frappe.db.delete("Practice", {"npi": "1234567893"})
		provider = make_provider(npi="1234567893")
		self.assertEqual(provider.npi, "1234567893")
		with self.assertRaises(InvalidNPI) as raised:
			make_provider(npi="1234567890")
		self.assertIn("NPI", str(raised.exception))

	def test_name_is_built_with_credential(self):
		provider = make_provider(first_name="Ana", middle_name="M.", last_name="Rivera", credential="DO")
		self.assertEqual(provider.provider_name, "Ana M. Rivera, DO")

	def test_first_practice_becomes_primary_and_gives_the_territory(self):
		territory = make_territory()
		first = make_practice(referral_territory=territory.name)
		second = make_practice()
		provider = make_provider(practices=[first.name, second.name])
		self.assertEqual(provider.primary_practice, first.name)
		self.assertEqual([row.is_primary for row in provider.practices], [1, 0])
		self.assertEqual(provider.referral_territory, territory.name)

	def test_ticked_primary_wins_and_two_are_refused(self):
		first, second = make_practice(), make_practice()
		provider = frappe.get_doc(
			{
				"doctype": "Provider",
				"first_name": "Lee",
				"last_name": "Chen",
				"practices": [{"practice": first.name}, {"practice": second.name, "is_primary": 1}],
			}
		).insert()
		self.assertEqual(provider.primary_practice, second.name)
		provider.practices[0].is_primary = 1
		with self.assertRaises(frappe.ValidationError):
			provider.save()

	def test_same_practice_twice_is_refused(self):
		practice = make_practice()
		with self.assertRaises(frappe.ValidationError):
			make_provider(practices=[practice.name, practice.name])

	def test_primary_care_specialty_marks_the_provider_a_pcp(self):
		self.assertTrue(make_provider(specialty="Family Medicine").is_pcp)
		self.assertFalse(make_provider(specialty="Infectious Disease").is_pcp)

	def test_phone_is_normalised(self):
		self.assertEqual(make_provider(phone="347 555 0142").phone, "+13475550142")

	def test_taxonomy_code_is_checked(self):
		self.assertEqual(make_provider(taxonomy_code="207ri0200x").taxonomy_code, "207RI0200X")
		with self.assertRaises(frappe.ValidationError):
			make_provider(taxonomy_code="infectious")
