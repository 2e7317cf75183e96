"""Frappe's whitelisted methods that answer about records without its list permissions, replaced for
the app's DocTypes by versions that check them (hooks.py, override_whitelisted_methods):

- `frappe.client.get_count` counts with `frappe.db.count`: no read right asked, no row rule (a
  liaison counts every territory's referrals), any filter (a website user counts referrals by
  patient name). Here: through `frappe.get_list`, so the read right, the row rules and the
  patient-data check (permissions/queries.py) all apply.
- `frappe.client.get` finds a document by any filter before checking the right to read it: the
  filter is checked too.
- `frappe.desk.listview.get_group_by_count` counts the "Assigned To" sidebar with no read right or
  row rule: counted here over the records the user may list.

Other DocTypes keep Frappe's own methods.
"""

import frappe
from frappe.client import get as frappe_get
from frappe.client import get_count as frappe_get_count
from frappe.desk.listview import get_group_by_count as frappe_get_group_by_count
from frappe.query_builder import DocType, Order
from frappe.query_builder.functions import Count

from referral_crm.compliance.queries import check_query, is_ours


def ours(doctype: str) -> bool:
	return bool(doctype) and bool(frappe.db.exists("DocType", doctype)) and is_ours(frappe.get_meta(doctype))


@frappe.whitelist(methods=["GET", "POST"])  # as Frappe's own: the desk calls both ways
def get_count(doctype: str, filters=None, debug=False, cache=False) -> int:
	if not ours(doctype):
		return frappe_get_count(doctype, filters, debug, cache)
	frappe.has_permission(doctype, "read", throw=True)
	rows = frappe.get_list(
		doctype, filters=frappe.parse_json(filters) if filters else None, fields=["count(*) as count"]
	)
	return rows[0].count if rows else 0


@frappe.whitelist(methods=["GET", "POST"])  # as Frappe's own: the desk calls both ways
def get(doctype: str, name=None, filters=None, parent=None):
	if ours(doctype) and not frappe.get_meta(doctype).istable:
		frappe.has_permission(doctype, "read", throw=True)
		if not name and filters:
			check_query(doctype, frappe.session.user, filters=filters)
	return frappe_get(doctype, name=name, filters=filters, parent=parent)


@frappe.whitelist(methods=["GET", "POST"])  # as Frappe's own: the desk calls both ways
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	if not ours(doctype):
		return frappe_get_group_by_count(doctype, current_filters, field)
	frappe.has_permission(doctype, "read", throw=True)
	if field != "assigned_to":
		return frappe_get_group_by_count(doctype, current_filters, field)  # through frappe.get_list
	names = frappe.get_list(
		doctype, filters=frappe.parse_json(current_filters), pluck="name", limit_page_length=0
	)
	if not names:
		return []
	todo, user = DocType("ToDo"), DocType("User")
	count = Count("*").as_("count")
	return (
		frappe.qb.from_(todo)
		.join(user)
		.on(todo.allocated_to == user.name)
		.select(todo.allocated_to.as_("name"), count)
		.where((todo.status != "Cancelled") & (user.user_type == "System User"))
		.where((todo.reference_type == doctype) & todo.reference_name.isin(names))
		.groupby(todo.allocated_to)
		.orderby(count, order=Order.desc)
		.limit(50)
		.run(as_dict=True)
	)
