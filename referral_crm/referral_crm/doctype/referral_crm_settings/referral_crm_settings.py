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

		from referral_crm.field.doctype.card_occasion.card_occasion import CardOccasion
		from referral_crm.field.doctype.stark_limit.stark_limit import StarkLimit
		from referral_crm.outreach.doctype.outreach_cadence.outreach_cadence import OutreachCadence

		agency_name: DF.Data | None
		alert_baseline_weeks: DF.Int
		alert_min_baseline_mean: DF.Float
		alert_significance: DF.Float
		alert_source_types: DF.Literal["Practice", "Provider", "Practice and Provider"]
		allowed_ip_ranges: DF.SmallText | None
		apply_security_policy: DF.Check
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
		failed_logins_before_lockout: DF.Int
		farmer_after_referrals: DF.Int
		fax_address_pattern: DF.Data | None
		fax_api_password: DF.Password | None
		fax_api_url: DF.Data | None
		fax_api_username: DF.Data | None
		fax_daily_cap: DF.Int
		fax_email_account: DF.Link | None
		fax_from_number: DF.Data | None
		fax_gateway: DF.Literal["Email to Fax", "HTTP Fax API"]
		fhir_organization_name: DF.Data | None
		fhir_task_endpoint: DF.Data | None
		flyer_body: DF.TextEditor | None
		flyer_headline: DF.Data | None
		geocoder: DF.Literal["ZIP Centroid", "Nominatim"]
		geocoder_api_key: DF.Password | None
		geocoder_contact_email: DF.Data | None
		geocoder_url: DF.Data | None
		intake_fax: DF.Data | None
		intake_phone: DF.Data | None
		lockout_minutes: DF.Int
		log_retention_days: DF.Int
		mileage_rate: DF.Currency
		minimum_password_score: DF.Literal["2", "3", "4"]
		monthly_spend_budget: DF.Currency
		npi_registry_url: DF.Data
		office_hours_from: DF.Int
		office_hours_to: DF.Int
		outreach_cadences: DF.Table[OutreachCadence]
		quiet_min_active_weeks: DF.Int
		quiet_weeks: DF.Int
		rest_days: DF.Int
		send_weekly_digest: DF.Check
		session_idle_minutes: DF.Int
		session_lifetime_hours: DF.Int
		spend_warn_share: DF.Float
		stark_limits: DF.Table[StarkLimit]
		visit_note_sla_hours: DF.Int
		week_starts_on: DF.Literal[
			"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
		]

	# end: auto-generated types
	def on_update(self):
		if self.apply_security_policy:
			from referral_crm.compliance.security import apply_policy

			apply_policy(self)
		if self.has_value_changed("week_starts_on") or self.has_value_changed("visit_note_sla_hours"):
			# Weekly figures are bucketed by week start and judged against the note promise.
			frappe.enqueue(
				"referral_crm.referrals.weekly.rebuild_all",
				queue="long",
				job_id="referral_crm_rebuild_weeks",
				deduplicate=True,
				enqueue_after_commit=True,
			)

	def validate(self):
		self.validate_security_policy()
		self.default_phone_region = (self.default_phone_region or "").strip().upper()
		if not is_known_region(self.default_phone_region):
			frappe.throw(
				_(
					"{0} is not a country code phone numbers can be read for (use a two-letter code such as US)."
				).format(bold(self.default_phone_region))
			)

	def validate_security_policy(self):
		if self.office_hours_from and not 0 <= self.office_hours_from <= 23:
			frappe.throw(_("Logins Allowed From Hour is an hour of the day, 0 to 23."))
		if self.office_hours_to and not 1 <= self.office_hours_to <= 24:
			frappe.throw(_("Logins Allowed Until Hour is an hour of the day, 1 to 24."))
		if self.office_hours_from and self.office_hours_to and self.office_hours_from >= self.office_hours_to:
			frappe.throw(_("The office-hours window must start before it ends."))
		for name, label in (
			("session_idle_minutes", _("Log Off After Idle Minutes")),
			("session_lifetime_hours", _("Session Lifetime (Hours)")),
			("log_retention_days", _("Keep Audit Logs (Days)")),
		):
			if (self.get(name) or 0) < 0:
				frappe.throw(_("{0} cannot be negative.").format(label))
		if self.log_retention_days and self.log_retention_days < 2190:
			frappe.msgprint(_("HIPAA asks that audit records be kept for six years (2190 days)."), alert=True)
		for part in (self.allowed_ip_ranges or "").split(","):
			part = part.strip()
			if part and not all(c.isdigit() or c in ".:abcdefABCDEF" for c in part):
				frappe.throw(_("{0} is not an IP address or prefix.").format(bold(part)))
