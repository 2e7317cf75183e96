# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ReferralSourceWeek(Document):
	"""One source's figures for one week; written only by referral_crm.referrals.weekly."""


def on_doctype_update():
	frappe.db.add_unique("Referral Source Week", ["source_type", "source", "week_start"])
	frappe.db.add_index("Referral Source Week", ["week_start", "source_type"])
