# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, getdate

from referral_crm.referral_intelligence.commissions import generate_statements
from referral_crm.testing import OTHER_APPS_RECORDS, make_practice, make_referral, make_user, move_referral

test_ignore = OTHER_APPS_RECORDS

NOVEMBER = getdate("2026-11-01")
DECEMBER = getdate("2026-12-01")


class TestCommissionStatement(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.delete("Commission Rule")
		frappe.db.delete("Commission Statement")
		cls.liaison = make_user(["Physician Liaison"])
		cls.coordinator = make_user(["Referral Coordinator"])
		cls.practice = make_practice(liaison=cls.liaison, referral_coordinator=cls.coordinator)
		frappe.get_doc(
			{
				"doctype": "Commission Rule",
				"rule_name": "Admitted home health",
				"basis": "Referral Admitted",
				"amount": 60,
				"service_line": "Home Health",
				"new_account_bonus": 100,
				"hunter_share": 75,
				"farmer_share": 25,
			}
		).insert()
		frappe.get_doc(
			{
				"doctype": "Commission Rule",
				"rule_name": "Every referral",
				"basis": "Referral Received",
				"amount": 10,
			}
		).insert()

	def tearDown(self):
		frappe.set_user("Administrator")

	def statement(self, user, month):
		name = frappe.db.get_value(
			"Commission Statement", {"user": user, "period_start": month, "docstatus": ("<", 2)}
		)
		return frappe.get_doc("Commission Statement", name) if name else None

	def test_month_statement_counts_each_referral_once_with_split_and_bonus(self):
		admitted = make_referral(
			referring_practice=self.practice.name,
			service_line="Home Health",
			received_at=get_datetime("2026-11-03 10:00"),
		)
		move_referral(admitted, "Accepted", "Scheduled")
		move_referral(admitted, "Admitted", admitted_at=get_datetime("2026-11-05 09:00"))
		make_referral(referring_practice=self.practice.name, received_at=get_datetime("2026-11-20 10:00"))

		generate_statements(NOVEMBER)
		liaison = self.statement(self.liaison, NOVEMBER)
		lines = sorted((l.commission_rule, l.role, l.kind, l.amount) for l in liaison.lines)
		self.assertEqual(
			lines,
			[
				("Admitted home health", "Hunter", "Commission", 45.0),
				("Admitted home health", "Hunter", "New Account Bonus", 100.0),
				("Every referral", "Hunter", "Commission", 10.0),
				("Every referral", "Hunter", "Commission", 10.0),
			],
		)
		self.assertEqual(liaison.total, 165.0)
		self.assertEqual(liaison.total, sum(l.amount for l in liaison.lines))
		coordinator = self.statement(self.coordinator, NOVEMBER)
		self.assertEqual([(l.role, l.amount) for l in coordinator.lines], [("Farmer", 15.0)])

		generate_statements(NOVEMBER)  # idempotent
		self.assertEqual(len(self.statement(self.liaison, NOVEMBER).lines), 4)
		self.assertEqual(
			frappe.db.count("Commission Statement", {"user": self.liaison, "period_start": NOVEMBER}), 1
		)

	def test_not_admitted_after_approval_is_clawed_back_next_month_once(self):
		practice = make_practice(liaison=self.liaison)
		referral = make_referral(
			referring_practice=practice.name, received_at=get_datetime("2026-11-10 10:00")
		)
		generate_statements(NOVEMBER)
		november = self.statement(self.liaison, NOVEMBER)
		self.assertIn(referral.name, [l.referral for l in november.lines])
		november.submit()
		self.assertEqual(november.status, "Approved")

		move_referral(referral, "Not Admitted", non_admit_reason="Patient Declined")
		generate_statements(DECEMBER)
		generate_statements(DECEMBER)
		december = self.statement(self.liaison, DECEMBER)
		clawbacks = [l for l in december.lines if l.kind == "Clawback"]
		self.assertEqual(
			[(l.referral, l.amount, l.reverses_kind) for l in clawbacks],
			[(referral.name, -10.0, "Commission")],
		)

		self.assertRaises(frappe.ValidationError, november.regenerate)

	def test_staff_see_only_their_own_statements(self):
		make_referral(referring_practice=self.practice.name, received_at=get_datetime("2026-11-12 10:00"))
		generate_statements(NOVEMBER)
		frappe.set_user(self.coordinator)
		visible = {s.user for s in frappe.get_list("Commission Statement", fields=["user"])}
		self.assertEqual(visible, {self.coordinator})
		self.assertFalse(
			frappe.has_permission("Commission Statement", "read", self.statement(self.liaison, NOVEMBER).name)
		)

	def test_one_statement_per_person_and_month(self):
		make_referral(referring_practice=self.practice.name, received_at=get_datetime("2026-11-14 10:00"))
		generate_statements(NOVEMBER)
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "Commission Statement", "user": self.liaison, "period_start": "2026-11-17"}
			).insert()

	def test_rule_shares_are_checked(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "Commission Rule",
					"rule_name": "Broken",
					"basis": "Start of Care",
					"amount": 5,
					"hunter_share": 120,
				}
			).insert()
