"""Taxonomy codes in the site: loading NUCC's file, and a provider's specialty following its code."""

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.referral_sources.taxonomies import import_code_set
from referral_crm.testing import make_provider

NUCC = (
	"Code,Grouping,Classification,Specialization,Definition,Notes,Display Name,Section\n"
	'207RC0000X,Allopathic & Osteopathic Physicians,Internal Medicine,Cardiovascular Disease,"Heart.\nTwo lines.",,'
	"Cardiovascular Disease Physician,Individual\n"
	"999Y00000X,Other Service Providers,Referral Liaison,,,,Referral Liaison,Individual\n"
	"NOT-A-CODE,x,y,,,,,\n"
)


class TestTaxonomies(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_nucc_file_adds_codes_keeps_mappings_and_reports_bad_lines(self):
		before = frappe.db.get_value("Provider Taxonomy", "207RC0000X", "specialty")
		file = frappe.get_doc(
			{"doctype": "File", "file_name": "nucc_taxonomy_250.csv", "content": NUCC, "is_private": 1}
		).insert()
		result = import_code_set(file.file_url)
		self.assertEqual(result["inserted"], 1)
		self.assertEqual(result["errors"], ["line 5: 'NOT-A-CODE' is not a taxonomy code"])
		self.assertEqual(
			frappe.db.get_value("Provider Taxonomy", "999Y00000X", "classification"), "Referral Liaison"
		)
		self.assertEqual(frappe.db.get_value("Provider Taxonomy", "207RC0000X", "specialty"), before)

	def test_the_specialty_follows_the_code_until_a_person_picks_one(self):
		provider = make_provider(taxonomy_code="207rc0000x")
		self.assertEqual(
			(provider.taxonomy_code, provider.specialty), ("207RC0000X", "Cardiovascular Disease")
		)

		provider.taxonomy_code = "207LP2900X"  # no Specialty yet: one is made from NUCC's words
		provider.save()
		self.assertEqual(provider.specialty, "Pain Medicine (Anesthesiology)")
		self.assertEqual(
			frappe.db.get_value("Provider Taxonomy", "207LP2900X", "specialty"), provider.specialty
		)

		provider.specialty = "Geriatric Medicine"
		provider.save()
		self.assertTrue(provider.specialty_overridden)
		provider.taxonomy_code = "207RC0000X"
		provider.save()
		self.assertEqual(provider.specialty, "Geriatric Medicine", "a person's choice stays")

	def test_an_unknown_code_is_kept_and_flagged(self):
		provider = make_provider(taxonomy_code="999Z00000X")
		self.assertTrue(provider.unknown_taxonomy)
		self.assertEqual(provider.taxonomy_code, "999Z00000X")
		self.assertFalse(provider.specialty)

	def test_only_those_who_may_add_codes_load_them(self):
		from referral_crm.testing import make_user

		file = frappe.get_doc(
			{"doctype": "File", "file_name": "nucc.csv", "content": NUCC, "is_private": 1}
		).insert()
		frappe.set_user(make_user(["Physician Liaison"]))
		with self.assertRaises(frappe.PermissionError):
			import_code_set(file.file_url)
