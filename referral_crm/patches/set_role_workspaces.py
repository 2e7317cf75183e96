"""Users who already hold a role of the app land on its workspace, as new ones do."""

import frappe

from referral_crm.roles import ROLE_WORKSPACES


def execute():
	if not frappe.get_meta("User").has_field("default_workspace"):
		return
	for role, workspace in ROLE_WORKSPACES.items():
		if not frappe.db.exists("Workspace", workspace):
			continue
		users = frappe.get_all("Has Role", filters={"role": role, "parenttype": "User"}, pluck="parent")
		for user in users:
			if not frappe.db.get_value("User", user, "default_workspace"):
				frappe.db.set_value("User", user, "default_workspace", workspace, update_modified=False)
