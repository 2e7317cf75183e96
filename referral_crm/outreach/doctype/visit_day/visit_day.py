# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class VisitDay(Document):
	"""One person's touches of one day, territory, channel and outcome; written only by
	referral_crm.outreach.visit_days."""


def on_doctype_update():
	# Liaison Activity sums a period per person and week from this index alone.
	frappe.db.add_index(
		"Visit Day",
		["day", "user", "channel", "outcome", "visits", "check_ins", "verified", "referral_territory"],
		"activity_index",
	)
	frappe.db.add_index("Visit Day", ["user", "day"], "user_day_index")
