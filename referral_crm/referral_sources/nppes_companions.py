"""NPPES's companion files onto the Practices and Providers the main file made.

- A provider's secondary practice location becomes one more of the provider's practices (the
  practice at that address, or an office made for it); an organisation's becomes a location under
  it in the practice tree.
- An organisation's other names become the practice's other names, which search and the duplicate
  check read.
- Endpoints are kept on the practice or provider; the first Direct address becomes its Direct
  Address unless a person typed another, so a visit note can reach the office's EHR.

Only NPIs the CRM holds are touched; rows of other NPIs are skipped and counted. Other names and
endpoints from NPPES are replaced each import (NPPES owns them); those a person added stay, and a
link to a practice is only ever added, never taken away.
"""

from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import now_datetime
from frappe.utils.nestedset import rebuild_tree

from referral_crm.core.referral_sources.names import proper_case
from referral_crm.core.referral_sources.nppes import NppesRecord
from referral_crm.core.referral_sources.nppes_companions import (
	ENDPOINT,
	OTHER_NAME,
	PRACTICE_LOCATION,
	READERS,
	Endpoint,
	OtherName,
	PracticeLocation,
	direct_address,
)
from referral_crm.core.referral_sources.offices import address_key
from referral_crm.referral_sources.doctype.practice.practice import also_known_as
from referral_crm.referral_sources.nppes import CHILD_FIELDS, STD_FIELDS, NppesImporter, stored_text

FILE_TITLES = {
	PRACTICE_LOCATION: "Practice Location file",
	OTHER_NAME: "Other Name file",
	ENDPOINT: "Endpoint file",
}
NOT_IN_CRM = "NPI not in the CRM (companion files)"


def import_companions(importer: NppesImporter, sources: dict[str, object], commit: bool = False) -> None:
	"""Read each companion file given (kind -> path or stream) into the records, in batches."""
	writers = {PRACTICE_LOCATION: write_locations, OTHER_NAME: write_other_names, ENDPOINT: write_endpoints}
	for kind, write in writers.items():
		if (source := sources.get(kind)) is None:
			continue
		importer.feed(
			READERS[kind](source),
			lambda batch, write=write: write(importer, batch),
			commit,
			where=lambda line, kind=kind: f"{_(FILE_TITLES[kind])} {line}",
		)
	_place_locations(importer)
	if commit:
		frappe.db.commit()  # a long job: each batch is its own transaction


def _known(importer: NppesImporter, items: Iterable, provider_fields=(), practice_fields=()):
	npis = list({item.npi for item in items})
	return (
		importer.existing("Provider", npis, tuple(provider_fields)),
		importer.existing("Practice", npis, tuple(practice_fields)),
	)


def _child_rows(child: str, parenttype: str, parentfield: str, rows: list[tuple[str, list]]) -> list[list]:
	"""Child rows numbered within each parent after the ones it already has, ready for bulk_insert."""
	if not rows:
		return []
	start = dict(
		frappe.get_all(
			child,
			filters={"parent": ("in", list({p for p, _v in rows})), "parenttype": parenttype},
			fields=["parent", "max(idx) as idx"],
			group_by="parent",
			as_list=True,
		)
	)
	out, now, user = [], now_datetime(), frappe.session.user
	for parent, values in rows:
		start[parent] = (start.get(parent) or 0) + 1
		name = frappe.generate_hash(length=10)
		out.append([name, now, now, user, user, 0, start[parent], parent, parenttype, parentfield, *values])
	return out


# ---------------------------------------------------------------------- secondary locations
def write_locations(importer: NppesImporter, locations: list[PracticeLocation]) -> None:
	providers, practices = _known(
		importer,
		locations,
		("first_name", "last_name", "credential", "taxonomy_code"),
		("practice_name", "taxonomy_code"),
	)
	links = set()
	if providers:
		link = frappe.qb.DocType("Provider Practice")
		links = set(
			frappe.qb.from_(link)
			.select(link.parent, link.practice)
			.where(link.parent.isin([row.name for row in providers.values()]))
			.where(link.parenttype == "Provider")
			.run()
		)
	new_links, offices = [], {}
	for location in locations:
		key = address_key(location.zip_code, location.address_line1)
		provider, practice = providers.get(location.npi), practices.get(location.npi)
		if not (provider or practice):
			importer.summary.skipped[NOT_IN_CRM] += 1
			continue
		if not key:
			importer.summary.skipped[_("secondary location without a US street address")] += 1
			continue
		if practice:
			if key in importer.practice_at or key in offices:
				importer.summary.rows_unchanged += 1  # a practice is there already
			else:
				offices[key] = (location, practice, None)
			continue
		if key not in importer.practice_at and key not in offices:
			offices[key] = (location, None, provider)
		new_links.append((provider.name, key))
	made = _make_offices(importer, offices)
	rows = []
	for provider_name, key in new_links:
		practice = importer.practice_at.get(key) or made.get(key)
		if (provider_name, practice) in links:
			importer.summary.rows_unchanged += 1
			continue
		links.add((provider_name, practice))
		rows.append((provider_name, [practice, 0]))
		importer.summary.locations_linked += 1
	frappe.db.bulk_insert(
		"Provider Practice",
		[*STD_FIELDS, *CHILD_FIELDS, "practice", "is_primary"],
		_child_rows("Provider Practice", "Provider", "practices", rows),
	)


def _make_offices(importer: NppesImporter, offices: dict) -> dict:
	"""A practice at each address nobody works at yet: a provider's office, or an organisation's location."""
	if not offices:
		return {}
	new = []
	for location, organisation, provider in offices.values():
		record = _location_record(location, organisation, provider)
		if organisation:
			values = importer.practice_values(record)
			street = proper_case(location.address_line1)
			values["practice_name"] = stored_text(f"{proper_case(organisation.practice_name)} ({street})")
		else:
			values = importer.office_values(record)
		new.append((record, values))
	names = importer.insert_practices(new, office_of=True)
	made = {}
	for key, name, (_location, organisation, _provider) in zip(offices, names, offices.values(), strict=True):
		importer.practice_at[key] = made[key] = name
		if organisation:
			importer.locations.append((name, organisation.name))
			importer.summary.locations_linked += 1
		else:
			importer.offices.add(name)
	return made


def _location_record(location: PracticeLocation, organisation, provider) -> NppesRecord:
	source = organisation or provider
	return NppesRecord(
		line=location.line,
		npi=location.npi,
		entity_type=2 if organisation else 1,
		active=True,
		first_name=(provider.first_name or "") if provider else "",
		last_name=(provider.last_name or "") if provider else "",
		credential=(provider.credential or "") if provider else "",
		organization_name=organisation.practice_name if organisation else "",
		address_line1=location.address_line1,
		address_line2=location.address_line2,
		city=location.city,
		state=location.state,
		zip_code=location.zip_code,
		country_code=location.country_code,
		phone=location.phone,
		fax=location.fax,
		primary_taxonomy=source.taxonomy_code or "",
	)


def _place_locations(importer: NppesImporter) -> None:
	"""An organisation's secondary locations sit under it in the practice tree."""
	if not importer.locations:
		return
	organisations = list({parent for _child, parent in importer.locations})
	frappe.db.set_value("Practice", {"name": ("in", organisations)}, "is_group", 1, update_modified=False)
	for child, parent in importer.locations:
		frappe.db.set_value("Practice", child, "parent_practice", parent, update_modified=False)
	rebuild_tree("Practice")
	importer.locations = []


# ---------------------------------------------------------------------- other names
def write_other_names(importer: NppesImporter, names: list[OtherName]) -> None:
	providers, practices = _known(importer, names)
	by_practice: dict[str, list[OtherName]] = defaultdict(list)
	for item in names:
		if practice := practices.get(item.npi):
			by_practice[practice.name].append(item)
		else:
			importer.summary.skipped[NOT_IN_CRM] += 1
	if not by_practice:
		return
	_drop_nppes_rows("Practice Other Name", "Practice", "other_names", list(by_practice))
	kinds = set(frappe.get_meta("Practice Other Name").get_field("name_type").options.split("\n"))
	rows = [
		(practice, [stored_text(item.name), item.kind if item.kind in kinds else "Other Name", 1])
		for practice, items in by_practice.items()
		for item in {i.name.casefold(): i for i in items}.values()
	]
	frappe.db.bulk_insert(
		"Practice Other Name",
		[*STD_FIELDS, *CHILD_FIELDS, "other_name", "name_type", "from_nppes"],
		_child_rows("Practice Other Name", "Practice", "other_names", rows),
	)
	importer.summary.other_names += len(rows)
	other = frappe.qb.DocType("Practice Other Name")
	known = defaultdict(list)
	for parent, name in (
		frappe.qb.from_(other)
		.select(other.parent, other.other_name)
		.where(other.parent.isin(list(by_practice)))
		.where(other.parenttype == "Practice")
		.orderby(other.idx)
		.run()
	):
		known[parent].append(name)
	for practice in by_practice:  # a changed record: its new names are keyed for duplicate checks
		frappe.db.set_value("Practice", practice, "also_known_as", also_known_as(known[practice]))


def _drop_nppes_rows(doctype: str, parenttype: str, parentfield: str, parents: list[str]) -> None:
	table = frappe.qb.DocType(doctype)
	(
		frappe.qb.from_(table)
		.delete()
		.where(table.parent.isin(parents))
		.where(table.parenttype == parenttype)
		.where(table.parentfield == parentfield)
		.where(table.from_nppes == 1)
		.run()
	)


# ---------------------------------------------------------------------- endpoints
ENDPOINT_FIELDS = ("endpoint_type", "endpoint", "endpoint_use", "endpoint_content", "description")


def write_endpoints(importer: NppesImporter, endpoints: list[Endpoint]) -> None:
	providers, practices = _known(importer, endpoints, ("direct_address",), ("direct_address",))
	for doctype, known in (("Practice", practices), ("Provider", providers)):
		mine = defaultdict(list)
		for item in endpoints:
			if row := known.get(item.npi):
				mine[row.name].append(item)
		if not mine:
			continue
		old_direct = _nppes_direct_addresses(doctype, list(mine))
		_drop_nppes_rows("NPI Endpoint", doctype, "endpoints", list(mine))
		types = set(frappe.get_meta("NPI Endpoint").get_field("endpoint_type").options.split("\n"))
		rows = []
		for parent, items in mine.items():
			for item in {(i.endpoint_type, i.endpoint): i for i in items}.values():
				rows.append(
					(
						parent,
						[
							item.endpoint_type if item.endpoint_type in types else "OTHERS",
							stored_text(item.endpoint),
							stored_text(item.use),
							stored_text(item.content),
							stored_text(item.description),
							stored_text(item.affiliation_name),
							1,
						],
					)
				)
		frappe.db.bulk_insert(
			"NPI Endpoint",
			[*STD_FIELDS, *CHILD_FIELDS, *ENDPOINT_FIELDS, "affiliation_name", "from_nppes"],
			_child_rows("NPI Endpoint", doctype, "endpoints", rows),
		)
		importer.summary.endpoints += len(rows)
		for row in known.values():
			if row.name not in mine:
				continue
			address = stored_text(direct_address(mine[row.name]))
			typed_by_a_person = row.direct_address and row.direct_address not in old_direct.get(row.name, ())
			if address and not typed_by_a_person and address != row.direct_address:
				frappe.db.set_value(doctype, row.name, "direct_address", address, update_modified=False)
	skipped = sum(1 for item in endpoints if item.npi not in practices and item.npi not in providers)
	if skipped:
		importer.summary.skipped[NOT_IN_CRM] += skipped


def _nppes_direct_addresses(doctype: str, parents: list[str]) -> dict[str, set[str]]:
	table = frappe.qb.DocType("NPI Endpoint")
	found = defaultdict(set)
	for parent, endpoint in (
		frappe.qb.from_(table)
		.select(table.parent, table.endpoint)
		.where(table.parent.isin(parents))
		.where(table.parenttype == doctype)
		.where(table.endpoint_type == "DIRECT")
		.where(table.from_nppes == 1)
		.run()
	):
		found[parent].add(endpoint)
	return found
