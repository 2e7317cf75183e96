# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from referral_crm.field.hrms import claim_approved_mileage, make_expense_claim, set_employee, withdraw_claim
from referral_crm.roles import require_manager

SETTINGS = "Referral CRM Settings"


class MileageLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.field.doctype.mileage_log_stop.mileage_log_stop import MileageLogStop

		adjustment_reason: DF.SmallText | None
		amount: DF.Currency
		computed_miles: DF.Float
		log_date: DF.Date
		miles: DF.Float
		rate: DF.Currency
		start_latitude: DF.Float
		start_longitude: DF.Float
		stops: DF.Table[MileageLogStop]
		user: DF.Link

	# end: auto-generated types
	def validate(self):
		if self.miles is None:
			self.miles = self.computed_miles
		if flt(self.miles, 1) != flt(self.computed_miles, 1) and not (self.adjustment_reason or "").strip():
			frappe.throw(
				_("Say why the miles claimed differ from the route's {0}.").format(
					flt(self.computed_miles, 1)
				)
			)
		self.rate = self.rate or frappe.db.get_single_value(SETTINGS, "mileage_rate") or 0
		self.amount = flt(self.miles) * flt(self.rate)
		set_employee(self)

	def on_submit(self):
		claim_approved_mileage(self)  # with HRMS: paid by an Expense Claim

	def on_cancel(self):
		withdraw_claim(self)

	@frappe.whitelist()
	def make_expense_claim(self) -> str:
		"""Make the HRMS Expense Claim again after what stopped it at approval was put right."""
		require_manager()
		self.check_permission("submit")
		if self.docstatus != 1:
			frappe.throw(_("Only an approved mileage log is paid by an expense claim."))
		return make_expense_claim(self)
