# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_first_day, get_last_day, get_link_to_form

from referral_crm.referral_intelligence.commissions import fill_statement
from referral_crm.referral_intelligence.payroll import (
	make_additional_salary,
	pay_approved_statement,
	withdraw_salary,
)
from referral_crm.roles import require_manager


class CommissionStatement(Document):
	def validate(self):
		self.period_start = get_first_day(self.period_start)
		self.period_end = get_last_day(self.period_start)
		self.validate_one_per_month()
		if self.is_new() and not self.lines:
			fill_statement(self)
		self.status = "Draft"

	def before_submit(self):
		self.status = "Approved"

	def on_submit(self):
		pay_approved_statement(self)  # with HRMS: paid through payroll

	def on_cancel(self):
		self.db_set("status", "Cancelled")
		withdraw_salary(self)

	def validate_one_per_month(self):
		other = frappe.db.get_value(
			"Commission Statement",
			{
				"user": self.user,
				"period_start": self.period_start,
				"docstatus": ("<", 2),
				"name": ("!=", self.name or ""),
			},
		)
		if other:
			frappe.throw(
				_("{0} already has the statement {1} for this month.").format(
					frappe.bold(self.user), get_link_to_form("Commission Statement", other)
				)
			)

	@frappe.whitelist()
	def regenerate(self):
		"""Recount the month from the current referrals and rules (drafts only)."""
		require_manager()
		if self.docstatus != 0:
			frappe.throw(_("An approved statement is final; cancel and amend it to recount."))
		fill_statement(self)
		self.save()

	@frappe.whitelist()
	def make_additional_salary(self) -> str | None:
		"""Send the approved statement to payroll again after what stopped it at approval was put right."""
		require_manager()
		self.check_permission("submit")
		if self.docstatus != 1:
			frappe.throw(_("Only an approved statement is paid through payroll."))
		return make_additional_salary(self)
