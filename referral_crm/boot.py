import frappe

from referral_crm.core.listviews import ROLE_LIST_COLUMNS, columns_for


def extend_bootinfo(bootinfo):
	"""Tell the desk which list columns the user's role needs (see referral_crm/core/listviews.py)."""
	roles = frappe.get_roles()
	bootinfo.referral_crm_list_columns = {
		doctype: columns for doctype in ROLE_LIST_COLUMNS if (columns := columns_for(doctype, roles))
	}
