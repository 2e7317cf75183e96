"""NUCC taxonomy codes in the site: shipped with the app, refreshed from a NUCC code-set file, mapped to Specialties."""

import io
from pathlib import Path

import frappe
from frappe import _
from frappe.utils import now_datetime

from referral_crm.core.referral_sources.taxonomy import (
	TaxonomyCode,
	code_set_version,
	codes_no_longer_listed,
	is_primary_care,
	qualified_specialty_name,
	read_nucc_csv,
	specialty_name,
	version_key,
)

SHIPPED_CODE_SET = Path(__file__).parents[1] / "data" / "nucc_taxonomy_251.csv"
FIELDS = ("display_name", "grouping", "classification", "specialization", "section")


def load_code_set(stream, curated: dict[str, str] | None = None, version: str = "") -> dict:
	"""Upsert Provider Taxonomy rows from a NUCC CSV; return counts and the lines NUCC's layout did not fit.

	A code already mapped to a Specialty keeps its mapping; `curated` maps codes to Specialties to link.
	A code set at least as new as the site's rewrites NUCC's words and marks the codes it no longer
	lists deprecated (kept: providers carry them); an older one only adds the codes the site lacks.
	"""
	codes, errors = [], []
	for item in read_nucc_csv(stream):
		if isinstance(item, TaxonomyCode):
			codes.append(item)
		else:
			errors.append(item)
	if not codes and errors:
		frappe.throw(
			_("This file is not a NUCC taxonomy code set: {0}").format(errors[0]), title=_("Not a Code Set")
		)
	curated = curated or {}
	known = {
		row.name: row
		for row in frappe.get_all(
			"Provider Taxonomy",
			fields=["name", "specialty", "is_primary_care", "code_set_version", "deprecated", *FIELDS],
		)
	}
	site_version = max((row.code_set_version for row in known.values()), key=version_key, default="")
	current = version_key(version) >= version_key(site_version)
	now, user = now_datetime(), frappe.session.user
	new, updated = [], 0
	for code in codes:
		values = {
			"display_name": code.display_name or specialty_name(code),
			"grouping": code.grouping,
			"classification": code.classification,
			"specialization": code.specialization,
			"section": code.section,
		}
		row = known.get(code.code)
		if row is None:
			new.append(
				[code.code, now, now, user, user, 0, code.code, *values.values()]
				+ [curated.get(code.code), int(is_primary_care(code)), version, 0]
			)
			continue
		changes = {}
		if current:
			changes = {k: v for k, v in values.items() if (row.get(k) or "") != (v or "")}
			if version and row.code_set_version != version:
				changes["code_set_version"] = version
			if row.deprecated:
				changes["deprecated"] = 0
		if not row.specialty and curated.get(code.code):
			changes["specialty"] = curated[code.code]
		if changes:
			frappe.db.set_value("Provider Taxonomy", code.code, changes)
			updated += 1
	frappe.db.bulk_insert(
		"Provider Taxonomy",
		["name", "creation", "modified", "owner", "modified_by", "docstatus", "taxonomy_code", *FIELDS]
		+ ["specialty", "is_primary_care", "code_set_version", "deprecated"],
		new,
	)
	deprecated, partial = [], False
	if current and version:
		listed = {code.code for code in codes}
		gone = codes_no_longer_listed({n for n, row in known.items() if not row.deprecated}, listed)
		if gone is None:
			partial = True
		elif gone:
			deprecated = sorted(gone)
			frappe.db.set_value(
				"Provider Taxonomy", {"name": ("in", deprecated)}, "deprecated", 1, update_modified=False
			)
	return {
		"version": version,
		"inserted": len(new),
		"updated": updated,
		"deprecated": deprecated,
		"older_than_site": not current,
		"partial": partial,
		"errors": [str(e) for e in errors],
	}


def seed_code_set() -> dict:
	"""The code set shipped with the app, with the Specialties seeded at install linked to their codes."""
	curated = dict(
		frappe.get_all(
			"Specialty",
			filters={"taxonomy_code": ("is", "set")},
			fields=["taxonomy_code", "name"],
			as_list=True,
		)
	)
	with SHIPPED_CODE_SET.open("rb") as stream:
		return load_code_set(stream, curated, code_set_version(SHIPPED_CODE_SET.name))


def specialty_for_taxonomy(code: str | None) -> str | None:
	"""The Specialty of a known code, made from NUCC's own words the first time a provider needs it."""
	if not code:
		return None
	row = frappe.db.get_value(
		"Provider Taxonomy", code, ["name", "specialty", "is_primary_care", *FIELDS], as_dict=True
	)
	if not row:
		return None
	if row.specialty:
		return row.specialty
	taxonomy = TaxonomyCode(
		code=row.name,
		grouping=row.grouping or "",
		classification=row.classification or "",
		specialization=row.specialization or "",
		display_name=row.display_name or "",
		section=row.section or "",
	)
	name = specialty_name(taxonomy)
	if frappe.db.get_value("Specialty", name, "taxonomy_code") not in (None, "", code):
		name = qualified_specialty_name(taxonomy)  # the plain name is another code's specialty
	if not frappe.db.exists("Specialty", name):
		frappe.get_doc(
			{
				"doctype": "Specialty",
				"specialty_name": name,
				"taxonomy_code": code,
				"is_primary_care": row.is_primary_care,
			}
		).insert(ignore_permissions=True)
	frappe.db.set_value("Provider Taxonomy", code, "specialty", name)
	return name


@frappe.whitelist(methods=["POST"])
def import_code_set(file_url: str) -> dict:
	"""Load a full NUCC code-set CSV a manager uploaded (nucc_taxonomy_XXX.csv from nucc.org)."""
	frappe.has_permission("Provider Taxonomy", "create", throw=True)
	frappe.has_permission("Provider Taxonomy", "write", throw=True)
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")

	content = file.get_content()
	return load_code_set(
		io.BytesIO(content if isinstance(content, bytes) else content.encode()),
		version=code_set_version(file.file_name),
	)
