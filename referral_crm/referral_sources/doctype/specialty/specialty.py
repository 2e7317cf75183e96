# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from referral_crm.referral_sources.identifiers import set_taxonomy_code


class Specialty(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		is_primary_care: DF.Check
		specialty_name: DF.Data
		taxonomy_code: DF.Data | None
	# end: auto-generated types

	def validate(self):
		set_taxonomy_code(self)
