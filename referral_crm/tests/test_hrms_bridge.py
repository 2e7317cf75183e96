"""With HRMS: approved mileage becomes an Expense Claim, an approved commission statement Additional Salary.

Runs on a site with ERPNext and HRMS; elsewhere every test is skipped with the reason.
"""

import unittest

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_months, get_first_day, getdate, today

from referral_crm.field.hrms import LOG_LINK, employee_of, hrms_installed
from referral_crm.testing import label, make_practice, make_referral, make_user, make_visit

NOT_HERE = "HRMS is not installed on this site: the CRM keeps its mileage and commissions to itself"


def company() -> str:
	return frappe.db.get_value("Company", {}, "name", order_by="creation asc")


def make_employee(user: str, **overrides) -> str:
	values = {
		"doctype": "Employee",
		"first_name": user.split("@")[0],
		"gender": frappe.db.get_value("Gender", {}) or _gender(),
		"date_of_birth": "1985-04-02",
		"date_of_joining": "2020-01-06",
		"company": company(),
		"user_id": user,
		"status": "Active",
	}
	values.update(overrides)
	return frappe.get_doc(values).insert(ignore_permissions=True).name


def _gender() -> str:
	return frappe.get_doc({"doctype": "Gender", "gender": "Female"}).insert(ignore_permissions=True).name


def mileage_claim_type() -> str:
	name = "Referral Mileage"
	if not frappe.db.exists("Expense Claim Type", name):
		account = frappe.db.get_value(
			"Account", {"company": company(), "root_type": "Expense", "is_group": 0}, "name"
		)
		frappe.get_doc(
			{
				"doctype": "Expense Claim Type",
				"expense_type": name,
				"accounts": [{"company": company(), "default_account": account}],
			}
		).insert(ignore_permissions=True)
	frappe.db.set_single_value("Referral CRM Settings", "mileage_expense_claim_type", name)
	return name


def approved_log(user: str, day: str = "2026-11-20"):
	from referral_crm.field.mileage import build_mileage_log

	for i in range(2):
		practice = make_practice(zip_code="10451", latitude=40.80 + i * 0.03, longitude=-73.92)
		make_visit(
			practice.name,
			user=user,
			visit_datetime=f"{day} {9 + i}:00:00",
			checked_in_at=f"{day} {9 + i}:00:00",
			checkin_latitude=40.80 + i * 0.03,
			checkin_longitude=-73.92,
		)
	log = frappe.get_doc("Mileage Log", build_mileage_log(user, day))
	log.submit()
	return log


class HRMSTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		if not hrms_installed():
			raise unittest.SkipTest(NOT_HERE)
		super().setUpClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()


class TestMileageExpenseClaim(HRMSTestCase):
	def test_a_crm_user_who_is_an_employee_is_recognised(self):
		liaison = make_user(["Physician Liaison"])
		self.assertIsNone(employee_of(liaison))
		employee = make_employee(liaison)
		self.assertEqual(employee_of(liaison).name, employee)
		frappe.db.set_value("Employee", employee, "status", "Left")
		self.assertIsNone(employee_of(liaison), "a former employee is not paid")

	def test_an_approved_log_becomes_one_expense_claim_linked_both_ways(self):
		liaison = make_user(["Physician Liaison"])
		employee = make_employee(liaison, expense_approver="Administrator")
		expense_type = mileage_claim_type()
		log = approved_log(liaison)
		log.reload()
		self.assertEqual(log.employee, employee)
		self.assertTrue(log.expense_claim)
		claim = frappe.get_doc("Expense Claim", log.expense_claim)
		self.assertEqual(
			(claim.employee, claim.company, claim.get(LOG_LINK)), (employee, company(), log.name)
		)
		self.assertEqual(claim.docstatus, 0)
		(row,) = claim.expenses
		self.assertEqual(row.expense_type, expense_type)
		self.assertAlmostEqual(row.amount, log.amount, places=2)
		self.assertEqual(getdate(row.expense_date), getdate(log.log_date))
		practices = [frappe.db.get_value("Practice", s.practice, "practice_name") for s in log.stops]
		for name in practices:
			self.assertIn(name, row.description, "the day's stops are in the description")
		self.assertTrue(row.default_account, "the expense type's account for the company")

		from referral_crm.field.hrms import make_expense_claim

		self.assertEqual(make_expense_claim(log), claim.name, "asked again, the same claim")
		self.assertEqual(frappe.db.count("Expense Claim", {LOG_LINK: log.name}), 1)

	def test_cancelling_the_log_rejects_a_draft_claim_and_cancels_a_submitted_one(self):
		liaison = make_user(["Physician Liaison"])
		make_employee(liaison, expense_approver="Administrator")
		mileage_claim_type()
		draft = approved_log(liaison, "2026-11-20")
		claim = frappe.db.get_value("Mileage Log", draft.name, "expense_claim")
		draft.reload()
		draft.cancel()
		self.assertEqual(frappe.db.get_value("Expense Claim", claim, "approval_status"), "Rejected")

		submitted = approved_log(liaison, "2026-11-21")
		submitted.reload()
		claim = frappe.get_doc("Expense Claim", submitted.expense_claim)
		claim.approval_status = "Approved"
		claim.is_paid = 0
		claim.payable_account = frappe.db.get_value(
			"Account", {"company": company(), "account_type": "Payable", "is_group": 0}
		)
		claim.submit()
		submitted.cancel()
		self.assertEqual(frappe.db.get_value("Expense Claim", claim.name, "docstatus"), 2)

		again = approved_log(liaison, "2026-11-21")  # the day logged afresh and approved again
		again.reload()
		self.assertNotEqual(again.name, submitted.name)
		self.assertTrue(again.expense_claim)
		self.assertNotEqual(again.expense_claim, claim.name, "the new log is paid by a claim of its own")

	def test_a_user_who_is_no_employee_keeps_the_approval_and_the_manager_is_told(self):
		liaison = make_user(["Physician Liaison"])
		mileage_claim_type()
		log = approved_log(liaison)
		self.assertEqual(frappe.db.get_value("Mileage Log", log.name, "docstatus"), 1)
		self.assertFalse(frappe.db.get_value("Mileage Log", log.name, "expense_claim"))
		self.assertFalse(frappe.db.exists("Expense Claim", {LOG_LINK: log.name}))
		todo = frappe.db.get_value(
			"ToDo", {"reference_type": "Mileage Log", "reference_name": log.name}, "description"
		)
		self.assertIn("not an active Employee", todo)

		make_employee(liaison, expense_approver="Administrator")
		claim = log.make_expense_claim()
		self.assertEqual(frappe.db.get_value("Mileage Log", log.name, "expense_claim"), claim)

	def test_only_a_manager_makes_a_claim_by_hand(self):
		liaison = make_user(["Physician Liaison"])
		log = approved_log(liaison)
		frappe.set_user(liaison)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Mileage Log", log.name).make_expense_claim()


def salary_components() -> tuple[str, str]:
	earning, deduction = "Referral Commission", "Referral Commission Clawback"
	for name, abbr, kind in ((earning, "RCOM", "Earning"), (deduction, "RCLB", "Deduction")):
		if not frappe.db.exists("Salary Component", name):
			frappe.get_doc(
				{
					"doctype": "Salary Component",
					"salary_component": name,
					"salary_component_abbr": abbr,
					"type": kind,
				}
			).insert(ignore_permissions=True)
	frappe.db.set_single_value(
		"Referral CRM Settings",
		{"commission_salary_component": earning, "commission_deduction_component": deduction},
	)
	return earning, deduction


def on_payroll(employee: str) -> None:
	structure = frappe.get_doc(
		{
			"doctype": "Salary Structure",
			"name": label("Liaison Pay"),
			"company": company(),
			"payroll_frequency": "Monthly",
			"currency": frappe.db.get_value("Company", company(), "default_currency"),
			"is_active": "Yes",
			"earnings": [{"salary_component": "Basic", "abbr": "B", "amount": 4000}],
		}
	).insert(ignore_permissions=True)
	structure.submit()
	frappe.get_doc(
		{
			"doctype": "Salary Structure Assignment",
			"employee": employee,
			"salary_structure": structure.name,
			"company": company(),
			"currency": structure.currency,
			"from_date": "2020-01-06",
			"base": 4000,
			"payroll_payable_account": frappe.db.get_value(
				"Company", company(), "default_payroll_payable_account"
			),
		}
	).insert(ignore_permissions=True).submit()


def statement(user: str, amounts: list[float]):
	referral = make_referral()
	rule = (
		frappe.get_doc(
			{
				"doctype": "Commission Rule",
				"rule_name": label("Payroll Rule"),
				"basis": "Referral Received",
				"amount": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	period = get_first_day(add_months(today(), -1))
	return frappe.get_doc(
		{
			"doctype": "Commission Statement",
			"user": user,
			"period_start": period,
			"total": sum(amounts),
			"lines": [
				{
					"referral": referral.name,
					"commission_rule": rule,
					"role": "Hunter",
					"kind": "Commission" if amount >= 0 else "Clawback",
					"basis_date": period,
					"amount": amount,
				}
				for amount in amounts
			],
		}
	).insert()


class TestCommissionPayroll(HRMSTestCase):
	def setUp(self):
		self.earning, self.deduction = salary_components()
		self.liaison = make_user(["Physician Liaison"])
		self.employee = make_employee(self.liaison)
		on_payroll(self.employee)

	def test_an_approved_statement_is_paid_once_as_additional_salary_linked_both_ways(self):
		doc = statement(self.liaison, [300, 150, -50])
		doc.submit()
		doc.reload()
		self.assertEqual(doc.employee, self.employee)
		salary = frappe.get_doc("Additional Salary", doc.additional_salary)
		self.assertEqual(
			(salary.employee, salary.salary_component, salary.amount, salary.docstatus),
			(self.employee, self.earning, 400, 1),
		)
		self.assertEqual((salary.ref_doctype, salary.ref_docname), ("Commission Statement", doc.name))
		self.assertEqual(salary.overwrite_salary_structure_amount, 0, "added to pay, never replacing it")
		self.assertGreaterEqual(getdate(salary.payroll_date), getdate(doc.period_end))
		self.assertEqual(doc.make_additional_salary(), salary.name, "asked again, the same entry")
		self.assertEqual(
			frappe.db.count("Additional Salary", {"ref_docname": doc.name, "docstatus": ("<", 2)}), 1
		)

	def test_a_month_of_clawbacks_is_a_deduction_and_cancelling_takes_it_back(self):
		doc = statement(self.liaison, [100, -260])
		doc.submit()
		doc.reload()
		salary = frappe.get_doc("Additional Salary", doc.additional_salary)
		self.assertEqual(
			(salary.salary_component, salary.type, salary.amount), (self.deduction, "Deduction", 160)
		)
		doc.cancel()
		self.assertEqual(frappe.db.get_value("Additional Salary", salary.name, "docstatus"), 2)

		amended = frappe.copy_doc(doc, ignore_no_copy=False)
		amended.docstatus, amended.amended_from = 0, doc.name
		amended.insert()
		amended.submit()
		amended.reload()
		self.assertTrue(amended.additional_salary)
		self.assertNotEqual(amended.additional_salary, salary.name)

	def test_a_month_that_nets_to_nothing_sends_nothing_to_payroll(self):
		doc = statement(self.liaison, [100, -100])
		doc.submit()
		self.assertFalse(frappe.db.exists("Additional Salary", {"ref_docname": doc.name}))

	def test_without_a_component_the_approval_stands_and_the_manager_is_told(self):
		frappe.db.set_single_value("Referral CRM Settings", "commission_salary_component", None)
		doc = statement(self.liaison, [90])
		doc.submit()
		self.assertEqual(frappe.db.get_value("Commission Statement", doc.name, "docstatus"), 1)
		self.assertFalse(frappe.db.exists("Additional Salary", {"ref_docname": doc.name}))
		self.assertIn(
			"Commission Salary Component",
			frappe.db.get_value(
				"ToDo", {"reference_type": "Commission Statement", "reference_name": doc.name}, "description"
			),
		)


class TestWithoutHRMS(FrappeTestCase):
	def test_the_bridge_is_silent_where_hrms_is_absent(self):
		if hrms_installed():
			raise unittest.SkipTest("HRMS is installed here; the plain-site case runs on a site without it")
		from referral_crm.field.hrms import claim_approved_mileage, withdraw_claim
		from referral_crm.referral_intelligence.payroll import pay_approved_statement

		doc = frappe._dict(name="MILE-X", user="Administrator")
		self.assertIsNone(claim_approved_mileage(doc))
		self.assertIsNone(withdraw_claim(doc))
		self.assertIsNone(pay_approved_statement(doc))
		self.assertFalse(frappe.get_meta("Mileage Log").has_field("expense_claim"))
		self.assertIsNone(employee_of("Administrator"))
