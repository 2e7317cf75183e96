# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OutreachWorkList(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.outreach.doctype.outreach_work_list_item.outreach_work_list_item import (
			OutreachWorkListItem,
		)

		held_back: DF.SmallText | None
		item_count: DF.Int
		items: DF.Table[OutreachWorkListItem]
		user: DF.Link
		work_date: DF.Date
	# end: auto-generated types
	pass
