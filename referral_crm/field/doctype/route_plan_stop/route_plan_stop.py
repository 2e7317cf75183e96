# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class RoutePlanStop(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		appointment_time: DF.Data | None
		arrival: DF.Data | None
		late_minutes: DF.Int
		miles_from_previous: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		practice: DF.Link
		practice_name: DF.Data | None
		reason: DF.Data | None
		service_minutes: DF.Int
	# end: auto-generated types
	pass
