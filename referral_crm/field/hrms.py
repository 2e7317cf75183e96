"""With HRMS on the site: a liaison who is an Employee is paid each approved mileage log by an Expense Claim.

Nothing here runs without HRMS: every entry point asks `hrms_installed()` first, and the fields that
link the two sides are custom fields made only while HRMS is installed (`CUSTOM_FIELDS`, install.py).
"""

import frappe
from frappe import _
from frappe.utils import escape_html, flt, format_datetime, get_link_to_form, today

from referral_crm.todos import attempt, todo

HRMS = "hrms"
SETTINGS = "Referral CRM Settings"
EXPENSE_CLAIM = "Expense Claim"
MILEAGE_LOG = "Mileage Log"
# Expense Claim -> the log it pays; Mileage Log -> its claim and the employee who drove.
LOG_LINK = "referral_crm_mileage_log"

CUSTOM_FIELDS = {
	EXPENSE_CLAIM: [
		{
			"fieldname": LOG_LINK,
			"label": "Mileage Log",
			"fieldtype": "Link",
			"options": MILEAGE_LOG,
			"insert_after": "remark",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"description": "The approved Referral CRM mileage log this claim pays",
		},
	],
	MILEAGE_LOG: [
		{
			"fieldname": "employee",
			"label": "Employee",
			"fieldtype": "Link",
			"options": "Employee",
			"insert_after": "user",
			"read_only": 1,
		},
		{
			"fieldname": "expense_claim",
			"label": "Expense Claim",
			"fieldtype": "Link",
			"options": EXPENSE_CLAIM,
			"insert_after": "amount",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
		},
	],
	SETTINGS: [
		{
			"fieldname": "hrms_section",
			"label": "HRMS: Expense Claims and Payroll",
			"fieldtype": "Section Break",
			"insert_after": "log_retention_days",
			"collapsible": 1,
		},
		{
			"fieldname": "mileage_expense_claim_type",
			"label": "Mileage Expense Claim Type",
			"fieldtype": "Link",
			"options": "Expense Claim Type",
			"insert_after": "hrms_section",
			"description": "An approved mileage log becomes an Expense Claim of this type for the liaison's "
			"Employee record (the type needs a default account for the company)",
		},
	],
}


class NotAnEmployeeError(frappe.ValidationError):
	pass


def hrms_installed() -> bool:
	return HRMS in frappe.get_installed_apps() and bool(frappe.db.exists("DocType", EXPENSE_CLAIM))


def employee_of(user: str | None) -> frappe._dict | None:
	"""The active Employee record HRMS links to this user, if any."""
	if not user or not hrms_installed():
		return None
	rows = frappe.get_all(
		"Employee",
		filters={"user_id": user, "status": "Active"},
		fields=["name", "employee_name", "company", "department", "expense_approver"],
		order_by="creation asc",
		limit=1,
	)
	return rows[0] if rows else None


def set_employee(log) -> None:
	"""Mileage Log.validate: show who the log pays, when HRMS knows the user as an Employee."""
	if hrms_installed() and log.meta.has_field("employee"):
		employee = employee_of(log.user)
		log.employee = employee.name if employee else None


def claim_of(log_name: str) -> str | None:
	"""The live (not cancelled, not rejected) claim paying this log."""
	return frappe.db.get_value(
		EXPENSE_CLAIM,
		{LOG_LINK: log_name, "docstatus": ("<", 2), "approval_status": ("!=", "Rejected")},
		order_by="creation desc",
	)


def expense_approver(employee) -> str | None:
	"""HRMS's approver for the employee, else the department's first, else the manager approving the log."""
	if employee.expense_approver:
		return employee.expense_approver
	if employee.department and (
		approver := frappe.db.get_value(
			"Department Approver",
			{"parent": employee.department, "parentfield": "expense_approvers"},
			"approver",
			order_by="idx asc",
		)
	):
		return approver
	return frappe.session.user if frappe.session.user != "Administrator" else None


def stops_description(log) -> str:
	lines = [_("Mileage log {0}: {1} miles at {2} a mile").format(log.name, flt(log.miles, 1), log.rate)]
	names = {
		p.name: p.practice_name
		for p in frappe.get_all(
			"Practice",
			filters={"name": ("in", [s.practice for s in log.stops if s.practice])},
			fields=["name", "practice_name"],
		)
	}
	for stop in log.stops:
		lines.append(
			" ".join(
				filter(
					None,
					[
						format_datetime(stop.checked_in_at, "HH:mm") if stop.checked_in_at else "",
						names.get(stop.practice) or stop.practice,
					],
				)
			)
		)
	if log.adjustment_reason:
		lines.append(_("Adjusted: {0}").format(log.adjustment_reason))
	return "<br>".join(escape_html(line) for line in lines)


def make_expense_claim(log) -> str:
	"""The Expense Claim paying an approved log; the same claim again when it already exists."""
	if existing := claim_of(log.name):
		link_claim(log, existing)
		return existing
	employee = employee_of(log.user)
	if not employee:
		frappe.throw(
			_("{0} is not an active Employee in HRMS: link an Employee to this user first.").format(
				frappe.bold(log.user)
			),
			NotAnEmployeeError,
		)
	expense_type = frappe.db.get_single_value(SETTINGS, "mileage_expense_claim_type")
	if not expense_type:
		frappe.throw(_("Choose the Mileage Expense Claim Type in Referral CRM Settings."))
	cost_center = frappe.get_cached_value("Company", employee.company, "cost_center")
	claim = frappe.get_doc(
		{
			"doctype": EXPENSE_CLAIM,
			"cost_center": cost_center,
			"employee": employee.name,
			"company": employee.company,
			"department": employee.department,
			"expense_approver": expense_approver(employee),
			"posting_date": today(),
			"payable_account": frappe.get_cached_value(
				"Company", employee.company, "default_expense_claim_payable_account"
			),
			"remark": _("Mileage of {0} (Referral CRM mileage log {1})").format(
				frappe.format(log.log_date, {"fieldtype": "Date"}), log.name
			),
			LOG_LINK: log.name,
			"expenses": [
				{
					"expense_date": log.log_date,
					"expense_type": expense_type,
					"description": stops_description(log),
					"amount": log.amount,
					"sanctioned_amount": log.amount,
					"cost_center": cost_center,
				}
			],
		}
	)
	claim.flags.ignore_permissions = True
	claim.insert()
	link_claim(log, claim.name)
	log.add_comment("Info", _("Expense Claim {0} made for the approved mileage.").format(claim.name))
	return claim.name


def link_claim(log, claim: str) -> None:
	updates = {"expense_claim": claim}
	if log.meta.has_field("employee"):
		updates["employee"] = frappe.db.get_value(EXPENSE_CLAIM, claim, "employee")
	log.db_set(updates, update_modified=False)


def claim_approved_mileage(log) -> str | None:
	"""Mileage Log.on_submit: hand the approved mileage to HRMS. A claim that cannot be made never undoes
	the approval: the reason goes on the approver's list and the log keeps a 'Make Expense Claim' button."""
	if not hrms_installed():
		return None
	return attempt(
		log,
		make_expense_claim,
		f"Expense claim for {log.name} not made",
		_("No expense claim was made for mileage log {0}: {1}"),
	)


def withdraw_claim(log) -> str | None:
	"""Mileage Log.on_cancel: the claim is cancelled (submitted), rejected (still a draft), or, when HRMS
	cannot cancel it any more (it was paid), flagged to its approver and the manager."""
	if not hrms_installed():
		return None
	name = claim_of(log.name)
	if not name:
		return None
	claim = frappe.get_doc(EXPENSE_CLAIM, name)
	reason = _("Mileage log {0} was cancelled.").format(log.name)
	frappe.db.savepoint("referral_crm_withdraw_claim")
	try:
		claim.flags.ignore_permissions = True
		if claim.docstatus == 0:
			claim.approval_status = "Rejected"
			claim.remark = "\n".join(filter(None, [claim.remark, reason]))
			claim.flags.ignore_links = True  # it names the log, cancelled a moment ago
			claim.save()
		else:
			claim.cancel()
		claim.add_comment("Info", reason)
		return "withdrawn"
	except Exception:
		frappe.db.rollback(save_point="referral_crm_withdraw_claim")
		frappe.clear_last_message()
		frappe.log_error(
			title=f"Expense claim {name} not cancelled", reference_doctype=EXPENSE_CLAIM, reference_name=name
		)
		what = _(
			"{0} Its Expense Claim {1} could not be cancelled (already paid?): recover the amount."
		).format(reason, get_link_to_form(EXPENSE_CLAIM, name))
		frappe.get_doc(EXPENSE_CLAIM, name).add_comment("Info", what)
		for user in {claim.expense_approver, frappe.session.user} - {None, "Administrator"}:
			todo(user, claim, what, priority="High")
		log.ignore_linked_doctypes = (*(log.get("ignore_linked_doctypes") or ()), EXPENSE_CLAIM)
		return "flagged"


def on_expense_claim_cancel(doc, method=None) -> None:
	"""hooks doc_events: a claim cancelled in HRMS leaves the log approved but says so on it."""
	if (log := doc.get(LOG_LINK)) and frappe.db.exists(MILEAGE_LOG, log):
		if frappe.db.get_value(MILEAGE_LOG, log, "docstatus") == 1:
			frappe.get_doc(MILEAGE_LOG, log).add_comment(
				"Info", _("Expense Claim {0} was cancelled in HRMS.").format(doc.name)
			)
