# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.testing import OTHER_APPS_RECORDS, make_practice

test_ignore = OTHER_APPS_RECORDS


class TestReferralCRMSettings(FrappeTestCase):
	def tearDown(self):
		frappe.db.set_single_value("Referral CRM Settings", "default_phone_region", "US")

	def test_unknown_region_is_refused(self):
		settings = frappe.get_single("Referral CRM Settings")
		settings.default_phone_region = "XX"
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_region_decides_how_local_numbers_are_read(self):
		settings = frappe.get_single("Referral CRM Settings")
		settings.default_phone_region = "ca"
		settings.save()
		self.assertEqual(settings.default_phone_region, "CA")
		self.assertEqual(make_practice(phone="604 555 0132").phone, "+16045550132")
