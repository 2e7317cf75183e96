# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

"""Meals and gifts per physician (against the yearly limit), per practice, or per liaison (against the monthly budget)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from referral_crm.core.field.field import Spend, yearly_totals
from referral_crm.field.checks import yearly_limit
from referral_crm.replica import reads_from_replica

SETTINGS = "Referral CRM Settings"


@reads_from_replica
def execute(filters=None):
	filters = frappe._dict(filters or {})
	year = int(filters.get("year") or getdate(nowdate()).year)
	by = filters.get("group_by") or "Physician"
	spends = frappe.get_list(
		"Provider Spend",
		filters={"spend_date": ("between", (f"{year}-01-01", f"{year}-12-31"))},
		fields=["name", "spend_date", "amount", "practice", "liaison"],
		limit_page_length=0,
	)
	if by == "Practice":
		return practice_view(spends)
	if by == "Liaison":
		return liaison_view(spends, year)
	return physician_view(spends, year)


def physician_view(spends, year):
	beneficiaries = defaultdict(list)
	for row in frappe.get_all(  # the spends were read with the user's permissions just above
		"Provider Spend Beneficiary",
		filters={"parenttype": "Provider Spend", "parent": ("in", [s.name for s in spends] or [""])},
		fields=["parent", "provider"],
	):
		beneficiaries[row.parent].append(row.provider)
	totals = yearly_totals(
		(Spend(getdate(s.spend_date), float(s.amount), tuple(beneficiaries[s.name])) for s in spends), year
	)
	limit = yearly_limit(year)
	names = dict(
		frappe.get_all(
			"Provider",
			filters={"name": ("in", list(totals) or [""])},
			fields=["name", "provider_name"],
			as_list=True,
		)
	)
	data = [
		{
			"provider": provider,
			"provider_name": names.get(provider, provider),
			"total": total,
			"limit": limit,
			"share_of_limit": round(100 * total / limit, 1) if limit else None,
		}
		for provider, total in sorted(totals.items(), key=lambda kv: -kv[1])
	]
	columns = [
		{
			"fieldname": "provider",
			"label": _("Provider"),
			"fieldtype": "Link",
			"options": "Provider",
			"width": 140,
		},
		{"fieldname": "provider_name", "label": _("Name"), "fieldtype": "Data", "width": 220},
		{"fieldname": "total", "label": _("Given This Year"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "limit", "label": _("Yearly Limit"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "share_of_limit", "label": _("Of the Limit %"), "fieldtype": "Percent", "width": 110},
	]
	return columns, data


def practice_view(spends):
	totals = defaultdict(float)
	for s in spends:
		totals[s.practice] += float(s.amount)
	data = [{"practice": p, "total": round(t, 2)} for p, t in sorted(totals.items(), key=lambda kv: -kv[1])]
	return [
		{
			"fieldname": "practice",
			"label": _("Practice"),
			"fieldtype": "Link",
			"options": "Practice",
			"width": 220,
		},
		{"fieldname": "total", "label": _("Spent This Year"), "fieldtype": "Currency", "width": 140},
	], data


def liaison_view(spends, year):
	budget = float(frappe.db.get_single_value(SETTINGS, "monthly_spend_budget") or 0)
	months = defaultdict(float)
	for s in spends:
		months[(s.liaison, getdate(s.spend_date).month)] += float(s.amount)
	data = [
		{
			"liaison": liaison,
			"month": f"{year}-{month:02d}",
			"spent": round(spent, 2),
			"budget": budget,
			"left": round(budget - spent, 2) if budget else None,
		}
		for (liaison, month), spent in sorted(months.items())
	]
	return [
		{"fieldname": "liaison", "label": _("Liaison"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{"fieldname": "spent", "label": _("Spent"), "fieldtype": "Currency", "width": 110},
		{"fieldname": "budget", "label": _("Budget"), "fieldtype": "Currency", "width": 110},
		{"fieldname": "left", "label": _("Left"), "fieldtype": "Currency", "width": 110},
	], data
