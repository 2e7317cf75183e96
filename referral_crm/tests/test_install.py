import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.install import CUSTOM_FIELDS, LINKED_DOCTYPES, ROLES, after_migrate


class TestInstall(FrappeTestCase):
	def test_roles_workflow_and_custom_fields_are_in_place(self):
		for role in ROLES:
			self.assertTrue(frappe.db.exists("Role", role), role)
		workflow = frappe.get_doc("Workflow", "Referral Lifecycle")
		self.assertTrue(workflow.is_active)
		self.assertEqual(workflow.document_type, "Referral")
		self.assertTrue(frappe.get_meta("Contact").has_field("office_roles"))
		self.assertEqual(frappe.get_meta("Contact").get_field("office_roles").options, "Contact Office Role")

	def test_our_roles_can_work_practice_staff_contacts(self):
		for doctype in LINKED_DOCTYPES:
			for role in ("Physician Liaison", "Intake Coordinator"):
				self.assertTrue(
					frappe.db.get_value(
						"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}, "write"
					),
					f"{role} cannot write {doctype}",
				)

	def test_masters_are_seeded(self):
		self.assertTrue(frappe.db.get_value("Specialty", "Family Medicine", "is_primary_care"))
		self.assertEqual(
			frappe.db.get_value("Specialty", "Infectious Disease", "taxonomy_code"), "207RI0200X"
		)
		self.assertTrue(frappe.db.exists("Service Line", "Home Health"))
		self.assertTrue(frappe.db.exists("Office Role", "Office Manager"))

	def test_migrate_is_repeatable(self):
		before = frappe.db.count("Custom DocPerm", {"role": ("in", ROLES)})
		after_migrate()
		self.assertEqual(frappe.db.count("Custom DocPerm", {"role": ("in", ROLES)}), before)
		self.assertEqual(
			frappe.db.count(
				"Custom Field", {"dt": "Contact", "fieldname": CUSTOM_FIELDS["Contact"][0]["fieldname"]}
			),
			1,
		)
