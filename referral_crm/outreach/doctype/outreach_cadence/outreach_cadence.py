# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OutreachCadence(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		account_stage: DF.Literal["Target", "Contacted", "Engaged", "Referring", "Dormant", "Do Not Contact"]
		calls: DF.Int
		emails: DF.Int
		faxes: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		postcards: DF.Int
		visits: DF.Int
	# end: auto-generated types
	pass
