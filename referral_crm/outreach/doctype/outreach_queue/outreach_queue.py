# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import today
from frappe.utils.nestedset import get_descendants_of

from referral_crm.core.referral_sources.stages import DO_NOT_CONTACT


class OutreachQueue(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.outreach.doctype.outreach_queue_position.outreach_queue_position import (
			OutreachQueuePosition,
		)

		account_stages: DF.SmallText | None
		action: DF.Literal["Call", "Fax", "Email", "Visit"]
		city: DF.Data | None
		description: DF.SmallText | None
		positions: DF.Table[OutreachQueuePosition]
		practice_type: DF.Literal[
			"",
			"Primary Care",
			"Multi-Specialty Group",
			"Specialty Practice",
			"Hospital",
			"Skilled Nursing Facility",
			"Assisted Living Facility",
			"Rehabilitation Facility",
			"Health System",
			"Other",
		]
		queue_name: DF.Data
		referral_territory: DF.Link | None
		specialty: DF.Link | None
		work_list_of: DF.Link | None
		zip_prefix: DF.Data | None

	# end: auto-generated types
	def validate(self):
		if DO_NOT_CONTACT in self.stages():
			frappe.throw(_("Offices marked Do Not Contact are never in a queue."))
		if self.zip_prefix and not self.zip_prefix.strip().isdigit():
			frappe.throw(_("{0} is not the start of a ZIP code.").format(frappe.bold(self.zip_prefix)))

	def stages(self) -> list[str]:
		return [s.strip() for s in (self.account_stages or "").splitlines() if s.strip()]

	def practice_filters(self) -> list:
		filters = [["Practice", "account_stage", "!=", DO_NOT_CONTACT]]
		if self.stages():
			filters.append(["Practice", "account_stage", "in", self.stages()])
		if self.referral_territory:
			territories = [
				self.referral_territory,
				*get_descendants_of("Referral Territory", self.referral_territory),
			]
			filters.append(["Practice", "referral_territory", "in", territories])
		if self.practice_type:
			filters.append(["Practice", "practice_type", "=", self.practice_type])
		if self.city:
			filters.append(["Practice", "city", "=", self.city.strip()])
		if self.zip_prefix:
			filters.append(["Practice", "zip_code", "like", f"{self.zip_prefix.strip()}%"])
		if self.specialty:
			filters.append(["Practice Specialty", "specialty", "=", self.specialty])
		if self.work_list_of:
			filters.append(["Practice", "name", "in", self.calls_to_make() or [""]])
		return filters

	def calls_to_make(self) -> list[str]:
		"""The calls on the person's latest work list (today's, or the last one made) not yet made."""
		lists = frappe.get_all(
			"Outreach Work List",
			filters={"user": self.work_list_of, "work_date": ("<=", today())},
			pluck="name",
			order_by="work_date desc",
			limit=1,
		)
		return frappe.get_all(
			"Outreach Work List Item",
			filters={
				"parent": ("in", lists or [""]),
				"parenttype": "Outreach Work List",
				"channel": "Call",
				"done": 0,
			},
			pluck="practice",
		)

	def position_of(self, user: str) -> str | None:
		return next((row.last_practice for row in self.positions if row.user == user), None)
