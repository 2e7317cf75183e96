"""Which Referral Territory a ZIP code falls in, and keeping records in step when that changes."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce

from referral_crm.core.referral_sources.territory import ZipClaim, resolve_territory

TERRITORY = "Referral Territory"
# Documents that carry their practice's territory, so User Permissions on territories reach them.
TERRITORY_FOLLOWERS = (
	("Provider", "primary_practice"),
	("Visit", "practice"),
	("Referral", "referring_practice"),
)


def territory_for_zip(zip_code: str | None) -> str | None:
	if not zip_code:
		return None
	zips = DocType("Referral Territory ZIP")
	territory = DocType(TERRITORY)
	rows = (
		frappe.qb.from_(zips)
		.join(territory)
		.on(zips.parent == territory.name)
		.select(territory.name, territory.lft, territory.rgt)
		.where((zips.zip_code == zip_code) & (zips.parenttype == TERRITORY))
		.run(as_dict=True)
	)
	return resolve_territory(ZipClaim(row.name, row.lft or 0, row.rgt or 0) for row in rows)


def territory_of_practice(practice: str | None) -> str | None:
	return frappe.db.get_value("Practice", practice, "referral_territory") if practice else None


def spread_practice_territory(practices: list[str], territory: str | None) -> None:
	"""Give these practices' providers (by primary practice), visits and referrals the territory."""
	if not practices:
		return
	for doctype, practice_field in TERRITORY_FOLLOWERS:
		table = DocType(doctype)
		frappe.qb.update(table).set(table.referral_territory, territory).where(
			table[practice_field].isin(practices)
		).run()


def reassign_practices_in_zips(zip_codes: set[str]) -> None:
	"""Re-derive the territory of every practice in these ZIPs, after a territory claimed or released them."""
	practice = DocType("Practice")
	for zip_code in sorted(zip_codes):
		territory = territory_for_zip(zip_code)
		moved = (
			frappe.qb.from_(practice)
			.select(practice.name)
			.where(practice.zip_code == zip_code)
			.where(Coalesce(practice.referral_territory, "") != (territory or ""))
			.run(pluck=True)
		)
		if not moved:
			continue
		frappe.qb.update(practice).set(practice.referral_territory, territory).where(
			practice.name.isin(moved)
		).run()
		spread_practice_territory(moved, territory)
