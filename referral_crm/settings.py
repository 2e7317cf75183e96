"""What the agency chose in Referral CRM Settings that several parts of the app read."""

import frappe

from referral_crm.core.weeks import weekday_number


def first_weekday() -> int:
	return weekday_number(frappe.db.get_single_value("Referral CRM Settings", "week_starts_on"))


def note_sla_hours() -> int:
	return frappe.db.get_single_value("Referral CRM Settings", "visit_note_sla_hours") or 48
