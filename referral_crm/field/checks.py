"""The liaison in the field, on the site: verifying check-ins, and gifts and meals against the yearly limit."""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from referral_crm.core.field.field import (
	BLOCK,
	DEFAULT_RADIUS_METRES,
	DEFAULT_WARN_SHARE,
	WARN,
	Spend,
	is_verified,
	limit_check,
	yearly_totals,
)
from referral_crm.core.referral_sources.geocode import is_valid_point

SETTINGS = "Referral CRM Settings"
MANAGER = "Referral Marketing Manager"


def verify_check_in(visit) -> None:
	"""A visit with the phone's location is verified when that is within the radius of the office."""
	if not is_valid_point(visit.checkin_latitude, visit.checkin_longitude):
		visit.checkin_verified, visit.checkin_distance_m = 0, None
		return
	if not visit.checked_in_at:
		visit.checked_in_at = now_datetime()
	office = frappe.db.get_value("Practice", visit.practice, ["latitude", "longitude"])
	if not office or not is_valid_point(*office):
		visit.checkin_verified, visit.checkin_distance_m = (
			0,
			None,
		)  # nowhere to compare with: kept, not verified
		return
	radius = frappe.db.get_single_value(SETTINGS, "checkin_radius_m") or DEFAULT_RADIUS_METRES
	verified, metres = is_verified((visit.checkin_latitude, visit.checkin_longitude), office, radius)
	visit.checkin_verified, visit.checkin_distance_m = int(verified), metres


def yearly_limit(year: int) -> float | None:
	return frappe.db.get_value(
		"Stark Limit", {"parent": SETTINGS, "parenttype": SETTINGS, "year": year}, "limit_amount"
	)


def spent_this_year(providers: list[str], year: int, exclude: str | None = None) -> dict[str, float]:
	spend = frappe.qb.DocType("Provider Spend")
	who = frappe.qb.DocType("Provider Spend Beneficiary")
	rows = (
		frappe.qb.from_(spend)
		.join(who)
		.on(who.parent == spend.name)
		.select(spend.name, spend.spend_date, spend.amount, who.provider)
		.where(
			(who.parenttype == "Provider Spend")
			& (spend.spend_date >= f"{year}-01-01")
			& (spend.spend_date <= f"{year}-12-31")
			& (spend.name != (exclude or ""))
			& spend.name.isin(
				frappe.qb.from_(who)
				.select(who.parent)
				.where(who.provider.isin(providers) & (who.parenttype == "Provider Spend"))
			)
		)
		.run(as_dict=True)
	)
	grouped: dict[str, Spend] = {}
	for row in rows:
		entry = grouped.get(row.name)
		grouped[row.name] = Spend(
			getdate(row.spend_date), float(row.amount), (*(entry.providers if entry else ()), row.provider)
		)
	return yearly_totals(grouped.values(), year)


def check_spend_limit(spend) -> None:
	"""Warn from the warning share of a physician's yearly limit; refuse past it unless a manager gives a reason."""
	providers = [row.provider for row in spend.providers]
	year = getdate(spend.spend_date).year
	limit = yearly_limit(year)
	if not limit or not providers:
		spend.limit_status = (
			None if limit else _("No limit is set for {0} in Referral CRM Settings.").format(year)
		)
		return
	share = float(spend.amount or 0) / len(set(providers))
	before = spent_this_year(providers, year, exclude=None if spend.is_new() else spend.name)
	warn_share = frappe.db.get_single_value(SETTINGS, "spend_warn_share") or DEFAULT_WARN_SHARE
	lines, blocked = [], []
	for provider in sorted(set(providers)):
		total = before.get(provider, 0.0)
		outcome = limit_check(total, share, limit, warn_share)
		name = frappe.db.get_value("Provider", provider, "provider_name") or provider
		lines.append(
			_("{0}: {1} of {2} this year").format(
				name,
				frappe.format(total + share, {"fieldtype": "Currency"}),
				frappe.format(limit, {"fieldtype": "Currency"}),
			)
		)
		if outcome == BLOCK:
			blocked.append(name)
		elif outcome == WARN:
			frappe.msgprint(
				_("{0} is near this year's limit on gifts and meals.").format(frappe.bold(name)),
				indicator="orange",
				alert=True,
			)
	spend.limit_status = "\n".join(lines)
	if blocked:
		if spend.override_reason and MANAGER in frappe.get_roles():
			return
		frappe.throw(
			_(
				"This would take {0} past this year's limit on non-monetary compensation ({1}). A manager can let it pass with a reason."
			).format(
				", ".join(frappe.bold(b) for b in blocked), frappe.format(limit, {"fieldtype": "Currency"})
			),
			title=_("Over the Yearly Limit"),
		)
