"""Manager actions of referral intelligence: run the alert job now, draft a month's commission statements."""

import frappe
from frappe import _

from referral_crm.roles import require_manager


@frappe.whitelist(methods=["POST"])
def run_alerts_now() -> str:
	require_manager()
	frappe.enqueue(
		"referral_crm.referral_intelligence.alerts.run_weekly_job",
		queue="long",
		job_id="referral_crm_weekly_alerts",
		deduplicate=True,
	)
	return _("The alert job is queued; new alerts appear under Referral Source Alert.")


@frappe.whitelist(methods=["POST"])
def draft_commission_statements(month: str) -> str:
	require_manager()
	frappe.has_permission("Commission Statement", "create", throw=True)
	frappe.enqueue(
		"referral_crm.referral_intelligence.commissions.generate_statements",
		queue="long",
		job_id=f"referral_crm_commissions_{month}",
		deduplicate=True,
		period_start=month,
	)
	return _("Statements for the month are being drafted; they appear under Commission Statement.")
