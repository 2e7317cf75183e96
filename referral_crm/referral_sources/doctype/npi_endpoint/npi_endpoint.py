# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class NPIEndpoint(Document):
	"""A Direct messaging address, FHIR base URL or other electronic endpoint of an NPI, as NPPES's Endpoint file lists it."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		affiliation_name: DF.Data | None
		description: DF.Data | None
		endpoint: DF.Data
		endpoint_content: DF.Data | None
		endpoint_type: DF.Select
		endpoint_use: DF.Data | None
		from_nppes: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
