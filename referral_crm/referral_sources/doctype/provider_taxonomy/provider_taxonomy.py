# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from referral_crm.referral_sources.identifiers import set_taxonomy_code


class ProviderTaxonomy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		classification: DF.Data | None
		display_name: DF.Data | None
		grouping: DF.Data | None
		is_primary_care: DF.Check
		section: DF.Data | None
		specialization: DF.Data | None
		specialty: DF.Link | None
		taxonomy_code: DF.Data

	# end: auto-generated types
	def validate(self):
		set_taxonomy_code(self)
