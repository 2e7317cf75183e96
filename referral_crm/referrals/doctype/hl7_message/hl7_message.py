# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class HL7Message(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		ack_code: DF.Data | None
		applied_note: DF.SmallText | None
		control_id: DF.Data | None
		error: DF.SmallText | None
		message_type: DF.Data | None
		patient_name: DF.Data | None
		raw_message: DF.Code | None
		received_at: DF.Datetime | None
		referral: DF.Link | None
		sending_application: DF.Data | None
		source_system: DF.Link | None
		status: DF.Literal["Received", "Applied", "Error", "Dismissed"]
		transport: DF.Literal["HTTP", "MLLP"]

	# end: auto-generated types
	@frappe.whitelist()
	def apply_again(self) -> str:
		"""Apply a message that failed, after a person linked the referral it is about."""
		self.check_permission("write")
		if self.status == "Applied":
			frappe.throw(_("This message was applied already."))
		from referral_crm.core.referrals.hl7v2 import V2MessageError, parse_message, read_event
		from referral_crm.referrals.hl7v2 import apply

		try:
			event = read_event(parse_message(self.raw_message or ""))
		except V2MessageError as e:
			frappe.throw(_("The message itself is malformed and cannot be applied: {0}").format(str(e)))
		apply(self, event)
		return self.status

	@frappe.whitelist()
	def dismiss(self) -> None:
		"""Nothing to apply: the referral was updated by hand, or the message was not about a referral."""
		self.check_permission("write")
		if self.status == "Applied":
			frappe.throw(_("This message was applied; there is nothing to dismiss."))
		self.status = "Dismissed"
		self.save()
