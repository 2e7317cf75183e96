# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from referral_crm.referral_sources.identifiers import set_phone_numbers
from referral_crm.referral_sources.permissions import check_practice_access
from referral_crm.referral_sources.territories import territory_of_practice


class OutboundDocument(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.outreach.doctype.outbound_document_attempt.outbound_document_attempt import (
			OutboundDocumentAttempt,
		)

		attachment: DF.Attach | None
		attempt_log: DF.Table[OutboundDocumentAttempt]
		attempts: DF.Int
		batch: DF.Data | None
		channel: DF.Literal["Fax", "Email", "FHIR"]
		communication: DF.Link | None
		email: DF.Data | None
		endpoint_url: DF.Data | None
		fax_number: DF.Data | None
		last_error: DF.SmallText | None
		letter_head: DF.Link | None
		next_attempt_at: DF.Datetime | None
		notice_html: DF.LongText | None
		payload: DF.Code | None
		practice: DF.Link | None
		print_format: DF.Link | None
		provider_reference: DF.Data | None
		purpose: DF.Literal["", "Collateral", "Visit Note", "Status Notice"]
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		referral_territory: DF.Link | None
		sent_at: DF.Datetime | None
		status: DF.Literal["Queued", "Sending", "Sent", "Failed", "Dismissed"]
		subject: DF.Data | None
		visit: DF.Link | None

	# end: auto-generated types
	def validate(self):
		if not (self.print_format or self.attachment or self.notice_html or self.payload):
			frappe.throw(_("Say what to send: a print format or a file."))
		if self.channel == "FHIR" and not (self.endpoint_url and self.payload):
			frappe.throw(_("A FHIR send needs the endpoint and the resource to send."))
		set_phone_numbers(self, ("fax_number",))
		check_practice_access(self, [self.practice])
		self.referral_territory = territory_of_practice(self.practice)

	@frappe.whitelist()
	def resend(self):
		"""Try a failed (or waiting) send again now, with the attempts counted afresh."""
		self.check_permission("write")
		if self.status not in ("Failed", "Queued", "Dismissed"):
			frappe.throw(_("Only a send that has not gone out can be sent again."))
		from referral_crm.outreach.outbox import enqueue_delivery

		self.update({"status": "Queued", "attempts": 0, "next_attempt_at": None})
		self.save()
		enqueue_delivery(self.name)

	@frappe.whitelist()
	def dismiss(self):
		"""Stop trying: the office was reached another way, or the number is wrong."""
		self.check_permission("write")
		if self.status == "Sent":
			frappe.throw(_("This was sent; there is nothing to dismiss."))
		self.update({"status": "Dismissed", "next_attempt_at": None})
		self.save()
