"""What the fax collateral prints: the agency's own details, and a referring office's patients for its status sheet."""

import frappe
from frappe import _
from frappe.utils import add_days, format_date, get_fullname, getdate, today

from referral_crm.core.phone import format_phone
from referral_crm.core.referrals.referral import ADMITTED_STATUSES, OPEN_STATUSES, next_step_for_office

SETTINGS = "Referral CRM Settings"
STATUS_SHEET_WEEKS = 8


def agency() -> dict:
	"""The agency's name, intake numbers and flyer text, from Referral CRM Settings."""
	settings = frappe.get_cached_doc(SETTINGS)
	return frappe._dict(
		name=settings.agency_name or frappe.db.get_default("company") or "",
		intake_phone=format_phone(settings.intake_phone),
		intake_fax=format_phone(settings.intake_fax),
		headline=settings.flyer_headline or "",
		body=settings.flyer_body or "",
		service_lines=frappe.get_all("Service Line", pluck="name", order_by="name asc"),
		signed_by=get_fullname(frappe.session.user),
	)


def patient_status_rows(practice: str, weeks: int = STATUS_SHEET_WEEKS) -> list[dict]:
	"""The office's open referrals and those of the last weeks, for people allowed to print patient data."""
	if not frappe.has_permission("Referral", "print") or 1 not in frappe.get_meta(
		"Referral"
	).get_permlevel_access("read"):
		frappe.throw(
			_("The patient-status sheet lists patients: only people who may print referrals can print it."),
			frappe.PermissionError,
		)
	since = add_days(today(), -7 * weeks)
	referrals = frappe.get_list(
		"Referral",
		filters={"referring_practice": practice},
		or_filters={"received_at": (">=", since), "status": ("in", sorted(OPEN_STATUSES))},
		fields=[
			"name",
			"patient_first_name",
			"patient_last_name",
			"patient_date_of_birth",
			"referring_provider",
			"received_at",
			"status",
			"start_of_care",
			"visit_note_sent_at",
			"non_admit_reason",
		],
		order_by="received_at desc",
	)
	rows = []
	for r in referrals:
		start = format_date(getdate(r.start_of_care)) if r.start_of_care else None
		rows.append(
			frappe._dict(
				patient=f"{r.patient_last_name or ''}, {r.patient_first_name or ''}".strip(", "),
				date_of_birth=format_date(r.patient_date_of_birth) if r.patient_date_of_birth else "",
				provider=frappe.db.get_value("Provider", r.referring_provider, "provider_name")
				if r.referring_provider
				else "",
				received=format_date(getdate(r.received_at)),
				status=_(r.status),
				start_of_care=start or "",
				next_step=_(
					next_step_for_office(
						r.status,
						start,
						bool(r.visit_note_sent_at) and r.status in ADMITTED_STATUSES,
						_(r.non_admit_reason) if r.non_admit_reason else None,
					)
				),
			)
		)
	return rows
