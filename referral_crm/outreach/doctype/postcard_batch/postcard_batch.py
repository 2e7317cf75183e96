# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import csv
import io

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_first_day, get_last_day, getdate
from frappe.utils.file_manager import save_file
from frappe.utils.nestedset import get_descendants_of
from frappe.utils.pdf import get_pdf

from referral_crm.core.compliance.cells import safe_cell
from referral_crm.core.referral_sources.stages import DO_NOT_CONTACT

ADDRESS_COLUMNS = ("practice_name", "address_line1", "address_line2", "city", "state", "zip_code")
PAGE_BREAK = '<div style="page-break-after: always;"></div>'


class PostcardBatch(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.outreach.doctype.postcard_batch_recipient.postcard_batch_recipient import (
			PostcardBatchRecipient,
		)

		account_stages: DF.SmallText | None
		month: DF.Date
		print_format: DF.Link
		recipient_count: DF.Int
		recipients: DF.Table[PostcardBatchRecipient]
		referral_territory: DF.Link | None
		status: DF.Literal["Draft", "Sent to Mail House"]

	# end: auto-generated types
	def validate(self):
		stages = self.stages()
		if DO_NOT_CONTACT in stages:
			frappe.throw(_("Offices marked Do Not Contact get no postcards."))
		if not stages:
			frappe.throw(_("Name at least one account stage to send postcards to."))

	def stages(self) -> list[str]:
		return [s.strip() for s in (self.account_stages or "").splitlines() if s.strip()]

	@frappe.whitelist()
	def build_batch(self):
		"""Every office you can see in these stages, with a mailing address, not yet sent a card this month."""
		self.check_permission("write")
		if self.status != "Draft":
			frappe.throw(_("This batch has gone to the mail house."))
		start, end = get_first_day(self.month), get_last_day(self.month)
		filters = {
			"account_stage": ("in", self.stages()),
			"address_line1": ("is", "set"),
			"zip_code": ("is", "set"),
		}
		if self.referral_territory:
			territories = [
				self.referral_territory,
				*get_descendants_of("Referral Territory", self.referral_territory),
			]
			filters["referral_territory"] = ("in", territories)
		practices = frappe.get_list(
			"Practice", filters=filters, fields=["name", *ADDRESS_COLUMNS], order_by="zip_code asc, name asc"
		)
		carded = set(
			frappe.get_all(
				"Visit",
				filters={
					"channel": "Postcard",
					"visit_datetime": ("between", (start, f"{end} 23:59:59")),
					"practice": ("in", [p.name for p in practices] or [""]),
				},
				pluck="practice",
			)
		)
		self.set("recipients", [])
		for p in practices:
			if p.name not in carded:
				self.append(
					"recipients",
					{
						"practice": p.name,
						"practice_name": p.practice_name,
						"city": p.city,
						"zip_code": p.zip_code,
					},
				)
		self.recipient_count = len(self.recipients)
		self.save()
		return self.recipient_count

	@frappe.whitelist()
	def send_to_mail_house(self):
		"""Attach the address list (CSV) and the cards (one PDF), and log a Postcard visit per office."""
		self.check_permission("write")
		if self.status != "Draft":
			frappe.throw(_("This batch has gone to the mail house."))
		if not self.recipients:
			frappe.throw(_("Build the batch first: it has no recipients."))
		addresses = {
			row.name: row
			for row in frappe.get_list(
				"Practice",
				filters={"name": ("in", [r.practice for r in self.recipients])},
				fields=["name", *ADDRESS_COLUMNS],
			)
		}
		out = io.StringIO()
		writer = csv.writer(out)
		writer.writerow([_("Name"), _("Address"), _("Address 2"), _("City"), _("State"), _("ZIP Code")])
		cards = []
		for row in self.recipients:
			practice = addresses.get(row.practice)
			if not practice:
				frappe.throw(_("Row {0}: you can no longer see {1}.").format(row.idx, row.practice))
			writer.writerow([safe_cell(practice.get(c) or "") for c in ADDRESS_COLUMNS])
			cards.append(frappe.get_print("Practice", row.practice, self.print_format, no_letterhead=1))
		label = getdate(self.month).strftime("%Y-%m")
		save_file(f"postcards-{label}-addresses.csv", out.getvalue(), self.doctype, self.name, is_private=1)
		pdf = get_pdf(PAGE_BREAK.join(cards), {"page-width": "6in", "page-height": "4in"})
		save_file(f"postcards-{label}-cards.pdf", pdf, self.doctype, self.name, is_private=1)
		for row in self.recipients:
			visit = frappe.get_doc(
				{
					"doctype": "Visit",
					"practice": row.practice,
					"channel": "Postcard",
					"outcome": "Sent",
					"remarks": _("Monthly postcard ({0})").format(self.name),
				}
			).insert()
			row.visit = visit.name
		self.status = "Sent to Mail House"
		self.save()
