# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate


class CommissionRule(Document):
	def validate(self):
		for fieldname in ("hunter_share", "farmer_share"):
			if not 0 <= (self.get(fieldname) or 0) <= 100:
				frappe.throw(
					_("{0} must be between 0 and 100 percent.").format(_(self.meta.get_label(fieldname)))
				)
		if not (self.hunter_share or self.farmer_share):
			frappe.throw(_("Give the liaison or the coordinator a share, or the rule pays nobody."))
		if self.valid_from and self.valid_to and getdate(self.valid_to) < getdate(self.valid_from):
			frappe.throw(_("Valid To cannot be before Valid From."))
