"""Commission statements: staff see their own; managers see all."""

import frappe

from referral_crm.roles import MANAGERS


def _is_manager(user: str) -> bool:
	return user == "Administrator" or not set(MANAGERS).isdisjoint(frappe.get_roles(user))


def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if _is_manager(user):
		return ""
	return f"`tabCommission Statement`.`user` = {frappe.db.escape(user)}"


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	if not _is_manager(user) and doc.user != user:
		return False
	return None
