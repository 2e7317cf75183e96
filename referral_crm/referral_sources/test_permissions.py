"""Each role sees only what its job needs: territories for liaisons, PHI only for intake and coordinators."""

import frappe
from frappe.client import get as client_get
from frappe.tests.utils import FrappeTestCase

from referral_crm.testing import (
	make_practice,
	make_provider,
	make_referral,
	make_territory,
	make_user,
	make_visit,
)

PHI = ("patient_first_name", "patient_last_name", "patient_date_of_birth", "diagnosis")


class TestRoleVisibility(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.liaison = make_user(["Physician Liaison"])
		cls.intake = make_user(["Intake Coordinator"])
		cls.analyst = make_user(["Referral Analyst"])
		cls.mine = make_territory(members=[(cls.liaison, "Physician Liaison")])
		cls.theirs = make_territory()
		cls.my_practice = make_practice(referral_territory=cls.mine.name)
		cls.their_practice = make_practice(referral_territory=cls.theirs.name)
		cls.unassigned_practice = make_practice()
		cls.my_referral = make_referral(referring_practice=cls.my_practice.name)
		cls.their_referral = make_referral(referring_practice=cls.their_practice.name)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_liaison_sees_only_practices_of_their_territories(self):
		frappe.set_user(self.liaison)
		visible = set(frappe.get_list("Practice", pluck="name", limit=0))
		self.assertIn(self.my_practice.name, visible)
		self.assertNotIn(self.their_practice.name, visible)
		self.assertNotIn(self.unassigned_practice.name, visible)
		self.assertTrue(frappe.has_permission("Practice", "read", self.my_practice.name))
		self.assertFalse(frappe.has_permission("Practice", "read", self.their_practice.name))
		self.assertFalse(frappe.has_permission("Practice", "read", self.unassigned_practice.name))
		with self.assertRaises(frappe.PermissionError):
			client_get("Practice", self.their_practice.name)

	def test_liaison_sees_sub_territories_of_their_territory(self):
		group = make_territory(is_group=1, members=[(self.liaison, "Physician Liaison")])
		child = make_territory(parent=group.name)
		practice = make_practice(referral_territory=child.name)
		frappe.set_user(self.liaison)
		self.assertTrue(frappe.has_permission("Practice", "read", practice.name))

	def test_liaison_works_providers_and_visits_of_their_territory_only(self):
		my_provider = make_provider(practices=[self.my_practice.name])
		their_provider = make_provider(practices=[self.their_practice.name])
		frappe.set_user(self.liaison)
		providers = set(frappe.get_list("Provider", pluck="name", limit=0))
		self.assertIn(my_provider.name, providers)
		self.assertNotIn(their_provider.name, providers)

		visit = make_visit(self.my_practice.name)
		self.assertEqual(visit.owner, self.liaison)
		self.assertEqual(
			frappe.db.get_value("Practice", self.my_practice.name, "last_outcome"), visit.outcome
		)
		with self.assertRaises(frappe.PermissionError):
			make_visit(self.their_practice.name)

	def test_liaison_reads_referral_counts_but_no_phi(self):
		frappe.set_user(self.liaison)
		referral = client_get("Referral", self.my_referral.name)
		self.assertEqual(referral["referring_practice"], self.my_practice.name)
		for field in PHI:
			self.assertIsNone(referral.get(field), field)
		self.assertNotIn(self.their_referral.name, frappe.get_list("Referral", pluck="name", limit=0))
		rows = frappe.get_list("Referral", fields=["name", "patient_last_name"], limit=0)
		self.assertTrue(rows)
		self.assertTrue(all(not row.get("patient_last_name") for row in rows))

	def test_intake_coordinator_reads_phi(self):
		frappe.set_user(self.intake)
		referral = client_get("Referral", self.their_referral.name)
		self.assertEqual(referral["patient_last_name"], self.their_referral.patient_last_name)
		self.assertEqual(referral["diagnosis"], self.their_referral.diagnosis)

	def test_analyst_reads_no_phi_and_cannot_export_or_print_referrals(self):
		frappe.set_user(self.analyst)
		referral = client_get("Referral", self.their_referral.name)
		self.assertIsNone(referral.get("patient_last_name"))
		self.assertFalse(frappe.has_permission("Referral", "export"))
		self.assertFalse(frappe.has_permission("Referral", "print"))

	def test_only_managers_export_and_print_referrals(self):
		manager = make_user(["Referral Marketing Manager"])
		for user, allowed in ((manager, True), (self.intake, False), (self.liaison, False)):
			frappe.set_user(user)
			self.assertEqual(bool(frappe.has_permission("Referral", "export")), allowed, user)
			self.assertEqual(bool(frappe.has_permission("Referral", "print")), allowed, user)

	def test_liaison_cannot_create_referrals(self):
		frappe.set_user(self.liaison)
		with self.assertRaises(frappe.PermissionError):
			make_referral(referring_practice=self.my_practice.name)
