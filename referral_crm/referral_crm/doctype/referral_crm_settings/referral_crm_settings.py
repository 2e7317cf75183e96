# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _, bold
from frappe.model.document import Document

from referral_crm.core.phone import is_known_region


class ReferralCRMSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.referral_crm.doctype.card_occasion.card_occasion import CardOccasion
		from referral_crm.referral_crm.doctype.outreach_cadence.outreach_cadence import OutreachCadence
		from referral_crm.referral_crm.doctype.stark_limit.stark_limit import StarkLimit

		agency_name: DF.Data | None
		alert_baseline_weeks: DF.Int
		alert_min_baseline_mean: DF.Float
		alert_significance: DF.Float
		alert_source_types: DF.Literal["Practice", "Provider", "Practice and Provider"]
		birthday_reminder_days: DF.Int
		card_occasions: DF.Table[CardOccasion]
		checkin_radius_m: DF.Int
		collateral_email_account: DF.Link | None
		daily_call_limit: DF.Int
		daily_email_limit: DF.Int
		daily_postcard_limit: DF.Int
		daily_visit_limit: DF.Int
		default_phone_region: DF.Data
		dormant_after_weeks: DF.Int
		farmer_after_referrals: DF.Int
		fax_address_pattern: DF.Data | None
		fax_api_password: DF.Password | None
		fax_api_url: DF.Data | None
		fax_api_username: DF.Data | None
		fax_daily_cap: DF.Int
		fax_email_account: DF.Link | None
		fax_from_number: DF.Data | None
		fax_gateway: DF.Literal["Email to Fax", "HTTP Fax API"]
		flyer_body: DF.TextEditor | None
		flyer_headline: DF.Data | None
		geocoder: DF.Literal["ZIP Centroid", "Nominatim"]
		geocoder_api_key: DF.Password | None
		geocoder_contact_email: DF.Data | None
		geocoder_url: DF.Data | None
		intake_fax: DF.Data | None
		intake_phone: DF.Data | None
		mileage_rate: DF.Currency
		monthly_spend_budget: DF.Currency
		npi_registry_url: DF.Data
		outreach_cadences: DF.Table[OutreachCadence]
		quiet_min_active_weeks: DF.Int
		quiet_weeks: DF.Int
		rest_days: DF.Int
		send_weekly_digest: DF.Check
		spend_warn_share: DF.Float
		stark_limits: DF.Table[StarkLimit]
		visit_note_sla_hours: DF.Int
		week_starts_on: DF.Literal[
			"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
		]

	# end: auto-generated types
	def on_update(self):
		if self.has_value_changed("week_starts_on") or self.has_value_changed("visit_note_sla_hours"):
			# Weekly figures are bucketed by week start and judged against the note promise.
			frappe.enqueue(
				"referral_crm.weekly.rebuild_all",
				queue="long",
				job_id="referral_crm_rebuild_weeks",
				deduplicate=True,
				enqueue_after_commit=True,
			)

	def validate(self):
		self.default_phone_region = (self.default_phone_region or "").strip().upper()
		if not is_known_region(self.default_phone_region):
			frappe.throw(
				_(
					"{0} is not a country code phone numbers can be read for (use a two-letter code such as US)."
				).format(bold(self.default_phone_region))
			)
