"""Row visibility by Referral Territory.

Frappe's User Permissions already keep a user to the territories (and their
sub-territories) they are given. A record with no territory would still show to
them, because Frappe lets empty links through; for a liaison that is a practice
outside their territories, so these hooks hide it.
"""

import frappe
from frappe.core.doctype.user_permission.user_permission import get_user_permissions

from referral_crm.referral_sources.territories import TERRITORY


def is_limited_to_territories(user: str, doctype: str) -> bool:
	permissions = get_user_permissions(user).get(TERRITORY) or []
	return any(not p.get("applicable_for") or p.get("applicable_for") == doctype for p in permissions)


def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not doctype or not is_limited_to_territories(user, doctype):
		return ""
	return f"ifnull(`tab{doctype}`.`referral_territory`, '') != ''"


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	if (
		not doc.get("referral_territory")
		and not doc.is_new()
		and is_limited_to_territories(user, doc.doctype)
	):
		return False
	return None


def check_practice_access(doc, practices: list[str | None]) -> None:
	"""A user may only tie a record to practices they can see (Frappe checks links only after save)."""
	if doc.flags.ignore_permissions:
		return
	for practice in filter(None, practices):
		frappe.has_permission("Practice", "read", doc=practice, throw=True)
