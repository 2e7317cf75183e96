# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _, bold
from frappe.model.document import Document

from referral_crm.core.phone import is_known_region


class ReferralCRMSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		default_phone_region: DF.Data

	# end: auto-generated types
	def on_update(self):
		if self.has_value_changed("week_starts_on") or self.has_value_changed("visit_note_sla_hours"):
			# Weekly figures are bucketed by week start and judged against the note promise.
			frappe.enqueue(
				"referral_crm.weekly.rebuild_all",
				queue="long",
				job_id="referral_crm_rebuild_weeks",
				deduplicate=True,
				enqueue_after_commit=True,
			)

	def validate(self):
		self.default_phone_region = (self.default_phone_region or "").strip().upper()
		if not is_known_region(self.default_phone_region):
			frappe.throw(
				_(
					"{0} is not a country code phone numbers can be read for (use a two-letter code such as US)."
				).format(bold(self.default_phone_region))
			)
