# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class DuplicateKey(Document):
	"""One key a record is compared under; written only by referral_crm.referral_sources.duplicates."""


def on_doctype_update():
	frappe.db.add_index("Duplicate Key", ["record_type", "match_key"])
	frappe.db.add_index("Duplicate Key", ["record_type", "record"])
