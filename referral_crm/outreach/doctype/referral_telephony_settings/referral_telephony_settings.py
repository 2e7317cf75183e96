# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from referral_crm.core.errors import InvalidPhoneNumberError
from referral_crm.core.phone import normalize_phone


class ReferralTelephonySettings(Document):
	def validate(self):
		self.webhook_base_url = (self.webhook_base_url or "").strip().rstrip("/")
		self.api_base_url = (self.api_base_url or "").strip().rstrip("/")
		if self.enabled and not self.webhook_base_url.startswith(("https://", "http://")):
			frappe.throw(_("Enter the address the provider reaches this site at, starting with https://."))
		if self.inbound_forward_to:
			try:
				self.inbound_forward_to = normalize_phone(self.inbound_forward_to)
			except InvalidPhoneNumberError:
				frappe.throw(_("{0} is not a phone number.").format(self.inbound_forward_to))
