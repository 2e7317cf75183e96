# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document


class InsurancePayer(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		disabled: DF.Check
		payer_id: DF.Data | None
		payer_name: DF.Data
		payer_type: DF.Literal[
			"",
			"Medicare",
			"Medicare Advantage",
			"Medicaid",
			"Managed Medicaid",
			"Commercial",
			"VA / TRICARE",
			"Workers' Compensation",
			"Self Pay",
			"Other",
		]
	# end: auto-generated types
	pass
