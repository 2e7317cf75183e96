import frappe
from frappe import _

MANAGERS = ("Referral Marketing Manager", "System Manager")


def require_manager() -> None:
	"""Like frappe.only_for, but enforced in tests too, so the check itself is tested."""
	if frappe.session.user != "Administrator" and set(MANAGERS).isdisjoint(frappe.get_roles()):
		frappe.throw(_("Only a Referral Marketing Manager may do this."), frappe.PermissionError)
