"""No answer that depends on a value the asker may not read.

Frappe keeps a field at a permission level the user cannot read out of the columns a list returns,
but lets the same user filter, sort, group and count by it: "how many referrals have patient
Smith, born 1940?" answers a question about patient data without showing any. Every list, count,
report view, group-by sidebar, Kanban, calendar, chart, number card, export and link search of the
desk and REST reaches the database through Frappe's DatabaseQuery with the user's permissions, so
the check sits there, once: a query by the user that names a field of ours they may not read, in a
filter, sort, grouping or computed column, is refused with a 403.

Frappe's methods that count or fetch without DatabaseQuery are replaced (see hooks.py,
override_whitelisted_methods, and referral_crm/api/guarded.py).
"""

import json
import re

import frappe
from frappe import _
from frappe.model import no_value_fields
from frappe.model.db_query import DatabaseQuery

APP = "referral_crm"


def is_ours(meta) -> bool:
	"""Whether a DocType belongs to one of this app's modules (modules.txt)."""
	return frappe.local.module_app.get(frappe.scrub(meta.module or "")) == APP


class PatientDataQueryError(frappe.PermissionError):
	pass


def protected_fields(doctype: str, user: str | None = None) -> dict[str, str]:
	"""Our DocType's fields the user may not read (by permission level): {fieldname: label}."""
	if not doctype:
		return {}
	meta = frappe.get_meta(doctype)
	if not is_ours(meta):
		return {}
	readable = set(meta.get_permlevel_access("read", user=user))
	return {
		df.fieldname: df.label or df.fieldname
		for df in meta.fields
		if (df.permlevel or 0) > 0 and df.permlevel not in readable and df.fieldtype not in no_value_fields
	}


def _words(text) -> set[str]:
	return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", str(text or "")))


def _parsed(value):
	if isinstance(value, str):
		try:
			return json.loads(value)
		except ValueError:
			return value
	return value


def filter_fields(filters) -> set[str]:
	"""Every field a filter (dict, list of lists, or string conditions) is on."""
	filters = _parsed(filters)
	found: set[str] = set()
	if not filters:
		return found
	if isinstance(filters, dict):
		for key in filters:
			found |= _words(key)
		return found
	if isinstance(filters, str):
		return _words(filters)
	for item in filters:
		if isinstance(item, list | tuple):
			if len(item) >= 4:  # [doctype, field, operator, value]
				found |= _words(item[1])
			elif item:  # [field, operator, value]
				found |= _words(item[0])
		elif isinstance(item, dict):
			found |= filter_fields(item)
		else:
			found |= _words(item)
	return found


def computed_fields(fields) -> set[str]:
	"""Fields named inside a computed column ("count(patient_last_name)", "max(...) as x"): a bare
	column Frappe itself leaves out for a user who may not read it."""
	fields = _parsed(fields)
	if isinstance(fields, str):
		fields = [fields]
	found: set[str] = set()
	for field in fields or []:
		if isinstance(field, str) and "(" in field:
			found |= _words(field)
	return found


def check_query(
	doctype: str,
	user: str | None = None,
	*,
	fields=None,
	filters=None,
	or_filters=None,
	order_by=None,
	group_by=None,
) -> None:
	"""Refuse a query whose answer would depend on a value the user may not read."""
	protected = protected_fields(doctype, user)
	if not protected:
		return
	asked = {
		_("filter"): filter_fields(filters) | filter_fields(or_filters),
		_("sort"): _words(order_by if isinstance(order_by, str) else ""),
		_("group"): _words(group_by),
		_("count or compute"): computed_fields(fields),
	}
	for how, names in asked.items():
		if hit := sorted(names & set(protected)):
			frappe.throw(
				_("You may not {0} {1} by {2}: it is data you may not read.").format(
					how, _(doctype), ", ".join(_(protected[f]) for f in hit)
				),
				PatientDataQueryError,
				title=_("Not Permitted"),
			)


_original_build_and_run = DatabaseQuery.build_and_run


def _guarded_build_and_run(self: DatabaseQuery):
	# Every list query of the site passes here: other DocTypes leave at the module check in
	# protected_fields (cached meta). A DocType of ours exists only where the app is installed.
	if not self.flags.ignore_permissions:
		check_query(
			self.doctype,
			self.user,
			fields=self.fields,
			filters=self.filters,
			or_filters=self.or_filters,
			order_by=self.order_by,
			group_by=self.group_by,
		)
	return _original_build_and_run(self)


def install() -> None:
	"""Put the check into Frappe's DatabaseQuery (once per process; loaded with the app's hooks)."""
	if DatabaseQuery.build_and_run is not _guarded_build_and_run:
		DatabaseQuery.build_and_run = _guarded_build_and_run
