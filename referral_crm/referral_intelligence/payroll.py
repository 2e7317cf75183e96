"""With HRMS on the site: an approved commission statement is paid through payroll as Additional Salary.

The statement stays the audit trail: its lines say which referral and rule earned each amount, and the
Additional Salary points back at it (HRMS's own reference fields). A month that nets negative after
clawbacks is a deduction. Nothing here runs without HRMS.
"""

import frappe
from frappe import _
from frappe.utils import get_link_to_form, getdate, today

from referral_crm.core.referral_intelligence.payroll import DEDUCTION, EARNING, payroll_entry
from referral_crm.field.hrms import employee_of, hrms_installed
from referral_crm.todos import attempt, todo

SETTINGS = "Referral CRM Settings"
STATEMENT = "Commission Statement"
ADDITIONAL_SALARY = "Additional Salary"
COMPONENT_SETTING = {EARNING: "commission_salary_component", DEDUCTION: "commission_deduction_component"}

CUSTOM_FIELDS = {
	STATEMENT: [
		{
			"fieldname": "employee",
			"label": "Employee",
			"fieldtype": "Link",
			"options": "Employee",
			"insert_after": "full_name",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "additional_salary",
			"label": "Additional Salary",
			"fieldtype": "Link",
			"options": ADDITIONAL_SALARY,
			"insert_after": "status",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"description": "How payroll pays this approved statement",
		},
	],
	SETTINGS: [
		{
			"fieldname": "commission_salary_component",
			"label": "Commission Salary Component",
			"fieldtype": "Link",
			"options": "Salary Component",
			"insert_after": "mileage_expense_claim_type",
			"description": "An Earning (e.g. Referral Commission): an approved statement is paid as Additional "
			"Salary of this component",
		},
		{
			"fieldname": "commission_deduction_component",
			"label": "Commission Clawback Component",
			"fieldtype": "Link",
			"options": "Salary Component",
			"insert_after": "commission_salary_component",
			"description": "A Deduction: taken from pay when a month's clawbacks outweigh its commissions",
		},
	],
}


def salary_of(statement_name: str) -> str | None:
	"""The live Additional Salary paying this statement."""
	return frappe.db.get_value(
		ADDITIONAL_SALARY,
		{"ref_doctype": STATEMENT, "ref_docname": statement_name, "docstatus": ("<", 2)},
		order_by="creation desc",
	)


def make_additional_salary(statement) -> str | None:
	"""The submitted Additional Salary for an approved statement (the same one again when it exists);
	None when the month nets to zero."""
	if existing := salary_of(statement.name):
		link_salary(statement, existing)
		return existing
	entry = payroll_entry(statement.total or 0, getdate(statement.period_end), getdate(today()))
	if not entry:
		return None
	employee = employee_of(statement.user)
	if not employee:
		frappe.throw(
			_("{0} is not an active Employee in HRMS: link an Employee to this user first.").format(
				frappe.bold(statement.user)
			)
		)
	component = frappe.db.get_single_value(SETTINGS, COMPONENT_SETTING[entry.kind])
	if not component:
		frappe.throw(
			_("Choose the {0} in Referral CRM Settings.").format(
				_("Commission Salary Component")
				if entry.kind == EARNING
				else _("Commission Clawback Component")
			)
		)
	if frappe.db.get_value("Salary Component", component, "type") != entry.kind:
		frappe.throw(_("Salary Component {0} must be of type {1}.").format(component, _(entry.kind)))
	salary = frappe.get_doc(
		{
			"doctype": ADDITIONAL_SALARY,
			"employee": employee.name,
			"company": employee.company,
			"salary_component": component,
			"type": entry.kind,
			"amount": float(entry.amount),
			"currency": frappe.get_cached_value("Company", employee.company, "default_currency"),
			"payroll_date": entry.payroll_date,
			"overwrite_salary_structure_amount": 0,
			"ref_doctype": STATEMENT,
			"ref_docname": statement.name,
		}
	)
	salary.flags.ignore_permissions = True
	salary.insert()
	salary.submit()
	link_salary(statement, salary.name, employee.name)
	statement.add_comment(
		"Info",
		_("Paid through payroll: Additional Salary {0} ({1}) on {2}.").format(
			salary.name, _(entry.kind), frappe.format(entry.payroll_date, {"fieldtype": "Date"})
		),
	)
	return salary.name


def link_salary(statement, salary: str, employee: str | None = None) -> None:
	employee = employee or frappe.db.get_value(ADDITIONAL_SALARY, salary, "employee")
	statement.db_set({"additional_salary": salary, "employee": employee}, update_modified=False)


def pay_approved_statement(statement) -> str | None:
	"""Commission Statement.on_submit. What cannot be paid never undoes the approval: the reason goes on
	the approving manager's list and the statement keeps a 'Make Additional Salary' button."""
	if not hrms_installed():
		return None
	return attempt(
		statement,
		make_additional_salary,
		f"Additional Salary for {statement.name} not made",
		_("Commission statement {0} was approved but not sent to payroll: {1}"),
	)


def withdraw_salary(statement) -> str | None:
	"""Commission Statement.on_cancel: its Additional Salary is cancelled, or, once a submitted salary
	slip has paid it, flagged to the manager."""
	if not hrms_installed():
		return None
	name = salary_of(statement.name)
	if not name:
		return None
	frappe.db.savepoint("referral_crm_withdraw_salary")
	try:
		salary = frappe.get_doc(ADDITIONAL_SALARY, name)
		salary.flags.ignore_permissions = True
		salary.cancel()
		salary.add_comment("Info", _("Commission statement {0} was cancelled.").format(statement.name))
		return "withdrawn"
	except Exception:
		frappe.db.rollback(save_point="referral_crm_withdraw_salary")
		frappe.clear_last_message()
		frappe.log_error(
			title=f"Additional Salary {name} not cancelled",
			reference_doctype=STATEMENT,
			reference_name=statement.name,
		)
		what = _(
			"Commission statement {0} was cancelled, but its Additional Salary {1} is already in payroll: "
			"correct the next salary slip."
		).format(statement.name, get_link_to_form(ADDITIONAL_SALARY, name))
		statement.add_comment("Info", what)
		todo(frappe.session.user, statement, what, priority="High")
		statement.ignore_linked_doctypes = (
			*(statement.get("ignore_linked_doctypes") or ()),
			ADDITIONAL_SALARY,
		)
		return "flagged"
