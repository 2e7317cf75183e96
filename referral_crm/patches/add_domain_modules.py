"""The app's records moved from the one "Referral CRM" module into one module per domain
(modules.txt): their Module Defs exist before the records are synced onto them."""

from frappe.installer import add_module_defs


def execute():
	add_module_defs("referral_crm", ignore_if_duplicate=True)
