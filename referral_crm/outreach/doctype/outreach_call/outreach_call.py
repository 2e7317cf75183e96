# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OutreachCall(Document):
	"""One call through the voice provider. Written by the system from the provider's signed callbacks."""

	pass
