import frappe
from frappe import _

MANAGERS = ("Referral Marketing Manager", "System Manager")


def require_manager() -> None:
	"""Like frappe.only_for, but enforced in tests too, so the check itself is tested."""
	if frappe.session.user != "Administrator" and set(MANAGERS).isdisjoint(frappe.get_roles()):
		frappe.throw(_("Only a Referral Marketing Manager may do this."), frappe.PermissionError)


# Where each role's day starts, in the order a person holding several lands (the widest view first).
ROLE_WORKSPACES = {
	"Referral Marketing Manager": "Referral CRM",
	"Referral Coordinator": "Referral Coordination",
	"Intake Coordinator": "Referral Intake",
	"Physician Liaison": "Referral Liaison",
	"Appointment Setter": "Referral Calls",
	"Referral Analyst": "Referral Analysis",
}


def set_default_workspace(doc, method=None) -> None:
	"""A user given a role of the app lands on its workspace, on an ERPNext site too (whose Home
	workspace would come first); a default workspace the user or an administrator chose stays."""
	if doc.get("default_workspace") or not doc.meta.has_field("default_workspace"):
		return
	roles = {row.role for row in doc.roles}
	workspace = next((w for role, w in ROLE_WORKSPACES.items() if role in roles), None)
	if workspace and frappe.db.exists("Workspace", workspace):
		doc.default_workspace = workspace
