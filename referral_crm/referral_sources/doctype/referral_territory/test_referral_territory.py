# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.referral_sources.doctype.referral_territory.referral_territory import (
	OverlappingTerritoryError,
)
from referral_crm.testing import make_practice, make_territory, make_user, unique_zip


class TestReferralTerritory(FrappeTestCase):
	def test_siblings_cannot_claim_the_same_zip_and_the_error_names_both(self):
		zip_code = unique_zip()
		parent = make_territory(is_group=1)
		first = make_territory(zip_codes=[zip_code], parent=parent.name)
		with self.assertRaises(OverlappingTerritoryError) as raised:
			make_territory(name="Bronx West Test", zip_codes=[zip_code], parent=parent.name)
		message = str(raised.exception)
		self.assertIn(zip_code, message)
		self.assertIn(first.name, message)
		self.assertIn("Bronx West Test", message)
		self.assertFalse(frappe.db.exists("Referral Territory", "Bronx West Test"))

	def test_top_level_territories_are_siblings_too(self):
		zip_code = unique_zip()
		make_territory(zip_codes=[zip_code])
		with self.assertRaises(OverlappingTerritoryError):
			make_territory(zip_codes=[zip_code])

	def test_a_sub_territory_may_claim_its_parents_zip(self):
		zip_code = unique_zip()
		parent = make_territory(zip_codes=[zip_code], is_group=1)
		child = make_territory(zip_codes=[zip_code], parent=parent.name)
		self.assertEqual(child.zip_codes[0].zip_code, zip_code)

	def test_zip_codes_are_normalised_and_deduplicated(self):
		zip_code = unique_zip()
		territory = make_territory(zip_codes=[f"{zip_code}-0001", f" {zip_code} "])
		self.assertEqual([row.zip_code for row in territory.zip_codes], [zip_code])
		with self.assertRaises(frappe.ValidationError):
			make_territory(zip_codes=["ABCDE"])

	def test_parent_must_be_a_group(self):
		leaf = make_territory()
		with self.assertRaises(frappe.ValidationError):
			make_territory(parent=leaf.name)

	def test_claiming_and_releasing_a_zip_moves_its_practices(self):
		zip_code = unique_zip()
		practice = make_practice(zip_code=zip_code)
		self.assertFalse(practice.referral_territory)

		territory = make_territory()
		territory.append("zip_codes", {"zip_code": zip_code})
		territory.save()
		self.assertEqual(frappe.db.get_value("Practice", practice.name, "referral_territory"), territory.name)

		territory.zip_codes = []
		territory.save()
		self.assertIsNone(frappe.db.get_value("Practice", practice.name, "referral_territory"))

	def test_liaison_members_get_a_user_permission_that_follows_membership(self):
		liaison = make_user(["Physician Liaison"])
		coordinator = make_user(["Referral Coordinator"])
		territory = make_territory(
			members=[(liaison, "Physician Liaison"), (coordinator, "Referral Coordinator")]
		)

		def permitted(user):
			return frappe.db.exists(
				"User Permission", {"user": user, "allow": "Referral Territory", "for_value": territory.name}
			)

		self.assertTrue(permitted(liaison))
		self.assertFalse(permitted(coordinator))

		territory.members = [row for row in territory.members if row.user != liaison]
		territory.save()
		self.assertFalse(permitted(liaison))

		territory.append("members", {"user": liaison, "territory_role": "Physician Liaison"})
		territory.save()
		territory.delete()
		self.assertFalse(permitted(liaison))
