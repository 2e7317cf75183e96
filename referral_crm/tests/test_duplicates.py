"""Duplicates: the report finds one office entered twice; merging moves its history to the one kept."""

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.referral_sources.duplicates import merge_records
from referral_crm.referral_sources.report.duplicate_records.duplicate_records import execute
from referral_crm.testing import (
	make_practice,
	make_provider,
	make_referral,
	make_user,
	make_visit,
	unique_npi,
)


class TestDuplicates(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_one_office_entered_twice_is_found_and_merged(self):
		kept = make_practice(practice_name="Concourse Family Practice", fax="+17185550143", zip_code="10451")
		npi = unique_npi("1")
		twin = make_practice(
			practice_name="CONCOURSE FAMILY PRACTICE, PLLC", fax="+17185550143", zip_code="10451", npi=npi
		)
		make_practice(practice_name="Concourse Cardiology", fax="+17185550999", zip_code="10451")
		provider = make_provider(practices=[kept.name, twin.name])
		visit = make_visit(twin.name)
		referral = make_referral(referring_provider=provider.name, referring_practice=twin.name)

		_columns, rows = execute({"record_type": "Practice"})
		pair = next(r for r in rows if {r["record"], r["other"]} == {kept.name, twin.name})
		self.assertGreaterEqual(pair["score"], 90)
		self.assertIn("same fax", pair["reasons"])
		self.assertFalse(
			any(
				"Cardiology" in (r["record_name"] + r["other_name"])
				for r in rows
				if kept.name in (r["record"], r["other"])
			)
		)

		merge_records("Practice", kept.name, twin.name)
		self.assertFalse(frappe.db.exists("Practice", twin.name))
		self.assertEqual(frappe.db.get_value("Visit", visit.name, "practice"), kept.name)
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "referring_practice"), kept.name)
		self.assertEqual(frappe.db.get_value("Practice", kept.name, "npi"), npi)
		self.assertEqual(frappe.db.get_value("Practice", kept.name, "total_referrals"), 1)
		provider.reload()
		self.assertEqual([row.practice for row in provider.practices], [kept.name])

	def test_two_npis_are_two_entities_and_are_not_merged(self):
		a = make_practice(npi=unique_npi("1"))
		b = make_practice(npi=unique_npi("1"))
		with self.assertRaisesRegex(frappe.ValidationError, "different NPIs"):
			merge_records("Practice", a.name, b.name)
		self.assertTrue(frappe.db.exists("Practice", b.name))

	def test_a_liaison_cannot_merge(self):
		a, b = make_practice(), make_practice()
		frappe.set_user(make_user(["Physician Liaison"]))
		with self.assertRaises(frappe.PermissionError):
			merge_records("Practice", a.name, b.name)
