# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from referral_crm.core.errors import InvalidPhoneNumberError
from referral_crm.core.phone import normalize_phone


class OutboundCallerNumber(Document):
	def before_validate(self):
		try:
			self.phone_number = normalize_phone(self.phone_number)
		except InvalidPhoneNumberError:
			frappe.throw(_("{0} is not a phone number.").format(self.phone_number))
		if ";ext=" in self.phone_number:
			frappe.throw(_("A caller number cannot have an extension."))

	def onload(self):
		from referral_crm.outreach.telephony import calls_today

		self.set_onload("calls_today", calls_today([self.name]).get(self.name, 0))
