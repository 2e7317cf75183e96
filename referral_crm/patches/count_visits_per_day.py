"""Liaison Activity reads each person's touches per day (Visit Day): count the visits a site holds,
and drop the visit index the report read before."""

import frappe

from referral_crm.outreach import visit_days


def execute():
	visit_days.rebuild_all(commit=True)
	if frappe.db.has_index("tabVisit", "activity_index"):
		frappe.db.sql_ddl("alter table `tabVisit` drop index `activity_index`")
