# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class PostcardBatchRecipient(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		city: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		practice: DF.Link | None
		practice_name: DF.Data | None
		visit: DF.Link | None
		zip_code: DF.Data | None
	# end: auto-generated types
	pass
