# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class DuplicateSweep(Document):
	"""One background comparison of a whole site's practices or providers."""
