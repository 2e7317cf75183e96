# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CallRecording(Document):
	def on_trash(self):
		from referral_crm.outreach.telephony import log_recording_deletion

		log_recording_deletion(self)
