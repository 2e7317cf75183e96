# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

from frappe.model.document import Document

from referral_crm.field.checks import check_spend_limit
from referral_crm.referral_sources.permissions import check_practice_access
from referral_crm.referral_sources.territories import territory_of_practice


class ProviderSpend(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.field.doctype.provider_spend_beneficiary.provider_spend_beneficiary import (
			ProviderSpendBeneficiary,
		)

		amount: DF.Currency
		attendees: DF.Int
		kind: DF.Literal["Meal", "Lunch and Learn", "Gift", "Other"]
		liaison: DF.Link
		limit_status: DF.SmallText | None
		override_reason: DF.SmallText | None
		practice: DF.Link
		providers: DF.TableMultiSelect[ProviderSpendBeneficiary]
		referral_territory: DF.Link | None
		spend_date: DF.Date
		visit: DF.Link | None

	# end: auto-generated types
	def validate(self):
		check_practice_access(self, [self.practice])
		self.referral_territory = territory_of_practice(self.practice)
		check_spend_limit(self)
