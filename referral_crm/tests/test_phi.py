"""PHI stays behind permission level 1 on channels Frappe does not filter by level."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.testing import make_practice, make_referral, make_territory, make_user


class TestPHIChannels(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_change_log_keeps_that_phi_changed_but_not_the_values(self):
		referral = make_referral(diagnosis="CHF")
		referral.diagnosis = "Metastatic cancer, hospice evaluation"
		referral.channel = "Phone"
		referral.save(ignore_version=False)  # tests skip change logs unless asked
		version = frappe.get_last_doc(
			"Version", filters={"ref_doctype": "Referral", "docname": referral.name}
		)
		changed = {field: (old, new) for field, old, new in json.loads(version.data)["changed"]}
		self.assertEqual(changed["diagnosis"], ("•••", "•••"))
		self.assertEqual(changed["channel"], ("Fax", "Phone"))
		self.assertNotIn("Metastatic", version.data)

	def test_reading_is_not_enough_to_print_a_referral(self):
		liaison = make_user(["Physician Liaison"])
		territory = make_territory(members=[(liaison, "Physician Liaison")])
		referral = make_referral(referring_practice=make_practice(referral_territory=territory.name).name)
		frappe.set_user(liaison)
		self.assertTrue(frappe.has_permission("Referral", "read", referral.name))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_print("Referral", referral.name)
		frappe.set_user(make_user(["Referral Marketing Manager"]))
		self.assertIn(referral.name, frappe.get_print("Referral", referral.name))
