import frappe
from frappe import _

from referral_crm.referrals.portal import office_practices

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/referring-office"
		raise frappe.Redirect
	practices = office_practices()
	if not practices:
		frappe.throw(_("This page is for staff of referring offices."), frappe.PermissionError)
	context.no_breadcrumbs = True
	context.title = _("Your Referrals")
	context.practices = [
		{"name": p, "practice_name": frappe.db.get_value("Practice", p, "practice_name")} for p in practices
	]
	return context
