"""NPPES into Providers and Practices: a streamed file, upserted in batches keyed on NPI.

Organisations (entity type 2) become Practices; individuals (type 1) become Providers, each linked
to the Practice at their practice location address (an organisation's, or an office made for
them). Only the fields NPPES owns are ever written: a liaison, a stage, notes or a specialty
chosen by a person survive every re-import. A row is rewritten only when its NPPES Last Update
Date is newer than the one the record was filled from, so importing a file twice changes nothing.

New rows go in with bulk inserts (one per table and batch); a changed row is one UPDATE.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.functions import Max
from frappe.utils import now_datetime, today
from frappe.utils.html_utils import sanitize_html
from frappe.utils.nestedset import rebuild_tree

from referral_crm.core.referral_sources.geocode import BY_HAND, ZIP_CENTROID, zip_centroid
from referral_crm.core.referral_sources.names import proper_case, provider_display_name
from referral_crm.core.referral_sources.nppes import NppesRecord, NppesRowError, NppesSkip
from referral_crm.core.referral_sources.offices import address_key, practice_type_for_taxonomy
from referral_crm.referral_sources.accounts import derive_owners, territory_members
from referral_crm.referral_sources.territories import spread_practice_territory, territory_for_zip

BATCH_SIZE = 2000
STD_FIELDS = ("name", "creation", "modified", "owner", "modified_by", "docstatus", "idx")
CHILD_FIELDS = ("parent", "parenttype", "parentfield")

PROVIDER_FIELDS = (
	"first_name",
	"middle_name",
	"last_name",
	"credential",
	"provider_name",
	"gender",
	"phone",
	"fax",
	"taxonomy_code",
	"unknown_taxonomy",
	"nppes_updated_on",
	"npi_deactivated_on",
)
PRACTICE_FIELDS = (
	"practice_name",
	"address_line1",
	"address_line2",
	"city",
	"state",
	"zip_code",
	"phone",
	"fax",
	"taxonomy_code",
	"unknown_taxonomy",
	"nppes_updated_on",
	"npi_deactivated_on",
)


def stored_text(value: str) -> str:
	"""Text as Frappe stores it when a person types it into a form: markup made harmless, the rest kept.

	NPPES is written by registrants and goes into the database in bulk, past Frappe's save-time
	cleaning; this is that cleaning, so no row is refused for a stray "<".
	"""
	return sanitize_html(value) if value and ("<" in value or ">" in value) else value


def practice_values(record: NppesRecord, known_code: bool) -> dict:
	"""The Practice fields NPPES owns, as an organisation's record gives them."""
	return _stored(
		{
			"practice_name": proper_case(record.organization_name),
			"address_line1": proper_case(record.address_line1),
			"address_line2": proper_case(record.address_line2),
			"city": proper_case(record.city),
			"state": record.state,
			"zip_code": record.zip_code,
			"phone": record.phone,
			"fax": record.fax,
			"taxonomy_code": record.primary_taxonomy,
			"unknown_taxonomy": int(bool(record.primary_taxonomy) and not known_code),
			"nppes_updated_on": record.last_update_date,
			"npi_deactivated_on": None if record.active else record.deactivation_date,
		}
	)


def _stored(values: dict) -> dict:
	return {k: stored_text(v) if isinstance(v, str) else v for k, v in values.items()}


def provider_values(record: NppesRecord, known_code: bool, genders: set[str]) -> dict:
	"""The Provider fields NPPES owns, as an individual's record gives them."""
	first, middle, last = (proper_case(n) for n in (record.first_name, record.middle_name, record.last_name))
	return _stored(
		{
			"first_name": first,
			"middle_name": middle,
			"last_name": last,
			"credential": record.credential,
			"provider_name": provider_display_name(first, middle, last, record.credential),
			"gender": record.gender if record.gender in genders else None,
			"phone": record.phone,
			"fax": record.fax,
			"taxonomy_code": record.primary_taxonomy,
			"unknown_taxonomy": int(bool(record.primary_taxonomy) and not known_code),
			"nppes_updated_on": record.last_update_date,
			"npi_deactivated_on": None if record.active else record.deactivation_date,
		}
	)


@dataclass
class ImportSummary:
	rows_read: int = 0
	providers_inserted: int = 0
	providers_updated: int = 0
	practices_inserted: int = 0
	practices_updated: int = 0
	rows_unchanged: int = 0
	locations_linked: int = 0
	other_names: int = 0
	endpoints: int = 0
	skipped: Counter = field(default_factory=Counter)
	errors: list[tuple[int | str, str]] = field(default_factory=list)

	@property
	def rows_skipped(self) -> int:
		return sum(self.skipped.values())

	def as_text(self, max_errors: int = 200) -> str:
		lines = [
			_("Rows read: {0}").format(self.rows_read),
			_("Providers added: {0}, updated: {1}").format(self.providers_inserted, self.providers_updated),
			_("Practices added: {0}, updated: {1}").format(self.practices_inserted, self.practices_updated),
			_("Rows already up to date: {0}").format(self.rows_unchanged),
			_("Secondary practice locations linked: {0}").format(self.locations_linked),
			_("Other names: {0}").format(self.other_names),
			_("Endpoints: {0}").format(self.endpoints),
			_("Rows skipped: {0}").format(self.rows_skipped),
		]
		lines += [f"  {reason}: {count}" for reason, count in self.skipped.most_common()]
		lines.append(_("Rows with errors: {0}").format(len(self.errors)))
		lines += [_("  line {0}: {1}").format(line, message) for line, message in self.errors[:max_errors]]
		if len(self.errors) > max_errors:
			lines.append(_("  … and {0} more").format(len(self.errors) - max_errors))
		return "\n".join(lines)


def _same(a, b) -> bool:
	return (a or None) == (b or None) if not isinstance(a, int | float) else a == (b or 0)


class NppesImporter:
	"""Feed it what `core.referral_sources.nppes.read_nppes` yields; it writes in batches and reports through `progress`."""

	def __init__(self, batch_size: int = BATCH_SIZE, progress: Callable[[ImportSummary], None] | None = None):
		self.batch_size = batch_size
		self.progress = progress
		self.summary = ImportSummary()
		self.now = now_datetime()
		self.user = frappe.session.user
		self.genders = set(frappe.get_all("Gender", pluck="name"))
		self.taxonomies = {
			row.name: row
			for row in frappe.get_all("Provider Taxonomy", fields=["name", "specialty", "is_primary_care"])
		}
		self.territory_of_zip: dict[str, str | None] = {}
		self.owners_of_territory: dict[str | None, dict] = {}
		self.practice_at: dict[tuple[str, str], str] = {}
		self.offices: set[str] = set()  # practices the import made for individuals: no NPI of their own
		self.territory_of_practice: dict[str, str | None] = {}
		for row in frappe.get_all(
			"Practice",
			fields=["name", "zip_code", "address_line1", "npi", "nppes_updated_on", "referral_territory"],
		):
			self.territory_of_practice[row.name] = row.referral_territory
			if key := address_key(row.zip_code, row.address_line1):
				self.practice_at.setdefault(key, row.name)
			if not row.npi and row.nppes_updated_on:
				self.offices.add(row.name)
		practice = frappe.qb.DocType("Practice")
		self.next_rgt = (frappe.qb.from_(practice).select(Max(practice.rgt)).run()[0][0] or 0) + 1
		self.practice_prefix = frappe.get_meta("Practice").autoname.split(".")[0]
		self.practice_series_seen = self.series_current(self.practice_prefix)  # as the practices read
		self.subparts: list[tuple[str, str, str]] = []
		self.locations: list[tuple[str, str]] = []  # (location practice, its organisation)

	# ------------------------------------------------------------------ driving
	def run(
		self, events: Iterable[NppesRecord | NppesSkip | NppesRowError], commit: bool = False
	) -> ImportSummary:
		if commit:
			frappe.db.commit()  # each batch reads what others committed once it holds the practices' lock
		self.feed(events, self.write, commit)
		self.link_subparts()
		if commit:
			frappe.db.commit()  # a long job: each batch is its own transaction
		return self.summary

	def feed(
		self, events: Iterable, write: Callable[[list], None], commit: bool, where=lambda line: line
	) -> None:
		"""Count, skip and note errors; hand the records to `write` in batches, committing and reporting
		progress after each. `where` names an error's place (a line, or a file and line)."""
		batch: list = []
		for event in events:
			self.summary.rows_read += 1
			if isinstance(event, NppesSkip):
				self.summary.skipped[event.reason] += 1
				continue
			if isinstance(event, NppesRowError):
				self.summary.errors.append((where(event.line), event.message))
				continue
			batch.append(event)
			if len(batch) >= self.batch_size:
				self.checkpoint(write, batch, commit)
				batch = []
		if batch:
			self.checkpoint(write, batch, commit)

	def checkpoint(self, write: Callable[[list], None], batch: list, commit: bool) -> None:
		self.hold_practices()
		write(batch)
		if commit:
			frappe.db.commit()  # a long job: each batch is its own transaction
		if self.progress:
			self.progress(self.summary)

	def write(self, batch: list[NppesRecord]) -> None:
		latest = {record.npi: record for record in batch}  # a file lists an NPI once; a repeat keeps the last
		self.upsert_practices([r for r in latest.values() if r.entity_type == 2])
		self.upsert_providers([r for r in latest.values() if r.entity_type == 1])
		self.mark_deactivated([r for r in latest.values() if r.entity_type == 0])

	# ------------------------------------------------------------------ shared
	def std(self, name: str) -> list:
		return [name, self.now, self.now, self.user, self.user, 0, 0]

	def taxonomy(self, code: str):
		return self.taxonomies.get(code) if code else None

	def specialty_for(self, code: str) -> str | None:
		if not (known := self.taxonomy(code)):
			return None
		if not known.specialty:
			from referral_crm.referral_sources.taxonomies import specialty_for_taxonomy

			known.specialty = specialty_for_taxonomy(code)
		return known.specialty

	def territory(self, zip_code: str) -> str | None:
		if zip_code not in self.territory_of_zip:
			self.territory_of_zip[zip_code] = territory_for_zip(zip_code)
		return self.territory_of_zip[zip_code]

	def owners(self, territory: str | None) -> dict:
		if territory not in self.owners_of_territory:
			self.owners_of_territory[territory] = derive_owners(
				{"account_stage": "Target"}, territory_members(territory)
			)
		return self.owners_of_territory[territory]

	def series_current(self, prefix: str, lock: bool = False) -> int:
		series = frappe.qb.DocType("Series")
		query = frappe.qb.from_(series).select(series.current).where(series.name == prefix)
		current = (query.for_update() if lock else query).run()
		return current[0][0] if current else 0

	def reserve_names(self, doctype: str, count: int) -> list[str]:
		"""A block of names from the DocType's naming series, taken in one step."""
		prefix = frappe.get_meta(doctype).autoname.split(".")[0]  # "PRAC-.#####" -> "PRAC-"
		if not count:
			return []
		series = frappe.qb.DocType("Series")
		if not frappe.qb.from_(series).select(series.name).where(series.name == prefix).for_update().run():
			frappe.qb.into(series).insert(prefix, 0).columns(series.name, series.current).run()
		start = self.series_current(prefix, lock=True) + 1
		frappe.qb.update(series).set(series.current, start + count - 1).where(series.name == prefix).run()
		if prefix == self.practice_prefix:
			self.practice_series_seen = start + count - 1
		return [f"{prefix}{n:05d}" for n in range(start, start + count)]

	def hold_practices(self) -> None:
		"""Take the practices' naming series until this batch commits, then catch up with the practices
		others made since this import last looked (another import, a person at the desk: every new
		practice takes that series first). So an address gets one office however many imports run,
		and no two imports number the practice tree the same."""
		current = self.series_current(self.practice_prefix, lock=True)
		if current > self.practice_series_seen:
			practice = frappe.qb.DocType("Practice")
			theirs = [
				f"{self.practice_prefix}{n:05d}" for n in range(self.practice_series_seen + 1, current + 1)
			]
			for start in range(0, len(theirs), 1000):
				for row in (
					frappe.qb.from_(practice)
					.select(
						practice.name,
						practice.zip_code,
						practice.address_line1,
						practice.npi,
						practice.nppes_updated_on,
						practice.referral_territory,
					)
					.where(practice.name.isin(theirs[start : start + 1000]))
					.for_update()  # read as committed, not as this transaction first saw the table
					.run(as_dict=True)
				):
					self.territory_of_practice[row.name] = row.referral_territory
					if key := address_key(row.zip_code, row.address_line1):
						self.practice_at.setdefault(key, row.name)
					if not row.npi and row.nppes_updated_on:
						self.offices.add(row.name)
			self.practice_series_seen = current
		practice = frappe.qb.DocType("Practice")
		last = frappe.qb.from_(practice).select(practice.rgt).orderby(practice.rgt, order=Order.desc)
		last = last.limit(1).for_update().run()
		self.next_rgt = max(self.next_rgt, (last[0][0] if last else 0) + 1)

	def existing(self, doctype: str, npis: list[str], fields: tuple[str, ...]) -> dict[str, dict]:
		if not npis:
			return {}
		rows = frappe.get_all(doctype, filters={"npi": ("in", npis)}, fields=["name", "npi", *fields])
		return {row.npi: row for row in rows}

	def needs_writing(self, record: NppesRecord, row) -> bool:
		"""Only a record NPPES changed since the last import is looked at again."""
		return not (
			row.nppes_updated_on
			and record.last_update_date
			and record.last_update_date <= row.nppes_updated_on
		) or (not record.active and not row.npi_deactivated_on)

	def update(self, doctype: str, row, values: dict) -> bool:
		changes = {k: v for k, v in values.items() if not _same(v, row.get(k))}
		if changes:
			frappe.db.set_value(doctype, row.name, changes)
		return bool(changes)

	def mark_deactivated(self, records: list[NppesRecord]) -> None:
		"""NPPES lists a deactivated NPI with no name or kind: find it in either DocType and say so."""
		npis = [r.npi for r in records]
		known = {
			**self.existing("Practice", npis, ("nppes_updated_on", "npi_deactivated_on")),
			**self.existing("Provider", npis, ("nppes_updated_on", "npi_deactivated_on")),
		}
		doctype_of = dict.fromkeys(self.existing("Practice", npis, ()), "Practice")
		for record in records:
			row = known.get(record.npi)
			if row is None:
				self.summary.skipped[_("deactivated NPI not in the CRM")] += 1
				continue
			doctype = doctype_of.get(record.npi, "Provider")
			values = {"npi_deactivated_on": None if record.active else record.deactivation_date}
			if self.update(doctype, row, values):
				self.summary.practices_updated += doctype == "Practice"
				self.summary.providers_updated += doctype == "Provider"
			else:
				self.summary.rows_unchanged += 1

	# ------------------------------------------------------------------ practices
	def practice_values(self, record: NppesRecord) -> dict:
		return practice_values(record, known_code=bool(self.taxonomy(record.primary_taxonomy)))

	def upsert_practices(self, records: list[NppesRecord]) -> None:
		known = self.existing(
			"Practice",
			[r.npi for r in records],
			(*PRACTICE_FIELDS, "geocode_source", "referral_territory"),
		)
		new = []
		for record in records:
			row = known.get(record.npi)
			if row is None and not record.active:
				self.summary.skipped[_("deactivated NPI not in the CRM")] += 1
				continue
			values = self.practice_values(record)
			if row is None and (adopted := self.adopt_office(record)):
				row = adopted
			if row is None:
				new.append((record, values))
				continue
			if not self.needs_writing(record, row):
				self.summary.rows_unchanged += 1
				continue
			if not record.active:  # keep what we knew; only say the NPI is gone
				values = {
					"npi_deactivated_on": values["npi_deactivated_on"],
					"nppes_updated_on": record.last_update_date,
				}
			if self.update_practice(row, values, record.npi):
				self.summary.practices_updated += 1
			else:
				self.summary.rows_unchanged += 1
			if record.is_subpart and record.parent_organization_name:
				self.subparts.append((row.name, record.parent_organization_name, record.state))
		self.insert_practices(new)

	def adopt_office(self, record: NppesRecord):
		"""An office made for individuals at this address becomes the organisation that works there."""
		name = self.practice_at.get(address_key(record.zip_code, record.address_line1))
		if name not in self.offices:
			return None
		self.offices.discard(name)
		row = frappe.db.get_value(
			"Practice",
			{"name": name, "npi": ("is", "not set"), "nppes_updated_on": ("is", "set")},
			["name", "npi", *PRACTICE_FIELDS, "geocode_source", "referral_territory"],
			as_dict=True,
			for_update=True,  # another import may have given this office its organisation meanwhile
		)
		if row:
			row.nppes_updated_on = None  # always take the organisation's name and numbers
		return row

	def update_practice(self, row, values: dict, npi: str) -> bool:
		if not row.npi:
			values = {**values, "npi": npi}
		if values.get("zip_code") and not _same(values["zip_code"], row.zip_code):
			if row.geocode_source != BY_HAND:
				point = zip_centroid(values["zip_code"])
				values.update(latitude=point[0] if point else None, longitude=point[1] if point else None)
				values["geocode_source"] = ZIP_CENTROID if point else None
			if (territory := self.territory(values["zip_code"])) and territory != row.referral_territory:
				values["referral_territory"] = territory
				spread_practice_territory([row.name], territory)
		return self.update("Practice", row, values)

	def insert_practices(self, new: list[tuple[NppesRecord, dict]], office_of=None) -> list[str]:
		names = self.reserve_names("Practice", len(new))
		rows, specialties = [], []
		for name, (record, values) in zip(names, new, strict=True):
			territory = self.territory(values["zip_code"]) if values["zip_code"] else None
			owners = self.owners(territory)
			point = zip_centroid(values["zip_code"])
			lft = self.next_rgt
			self.next_rgt += 2
			self.territory_of_practice[name] = territory
			rows.append(
				[
					*self.std(name),
					*(values[f] for f in PRACTICE_FIELDS),
					record.npi if office_of is None else None,
					practice_type_for_taxonomy(record.primary_taxonomy),
					"Target",
					today(),
					territory,
					*(owners.get(f) for f in OWNER_FIELDS),
					point[0] if point else 0,
					point[1] if point else 0,
					ZIP_CENTROID if point else None,
					lft,
					lft + 1,
				]
			)
			if specialty := self.specialty_for(record.primary_taxonomy):
				specialties.append(
					[*self.std(frappe.generate_hash(length=10)), name, "Practice", "specialties", specialty]
				)
			if key := address_key(values["zip_code"], values["address_line1"]):
				self.practice_at.setdefault(key, name)
			if office_of is None and record.is_subpart and record.parent_organization_name:
				self.subparts.append((name, record.parent_organization_name, record.state))
		columns = [
			*STD_FIELDS,
			*PRACTICE_FIELDS,
			"npi",
			"practice_type",
			"account_stage",
			"stage_changed_on",
			"referral_territory",
			*OWNER_FIELDS,
			"latitude",
			"longitude",
			"geocode_source",
			"lft",
			"rgt",
		]
		frappe.db.bulk_insert("Practice", columns, rows)
		frappe.db.bulk_insert("Practice Specialty", [*STD_FIELDS, *CHILD_FIELDS, "specialty"], specialties)
		self.summary.practices_inserted += len(rows)
		return names

	def link_subparts(self) -> None:
		"""Organisation subparts sit under their parent organisation, found by its legal business name."""
		if not self.subparts:
			return
		self.hold_practices()  # the tree is renumbered below: not while another import numbers it
		moved = False
		candidates: dict[str, list] = {}
		for row in frappe.get_all(
			"Practice",
			filters={"practice_name": ("in", list({proper_case(p) for _n, p, _s in self.subparts}))},
			fields=["name", "practice_name", "state", "is_group", "creation"],
			order_by="creation asc",
		):
			candidates.setdefault(row.practice_name, []).append(row)
		for name, parent_name, state in self.subparts:
			found = [c for c in candidates.get(proper_case(parent_name), []) if c.name != name]
			if not found:
				continue
			parent = next((c for c in found if c.state == state), found[0])
			if frappe.db.get_value("Practice", name, "parent_practice") == parent.name:
				continue
			if not parent.is_group:
				frappe.db.set_value("Practice", parent.name, "is_group", 1, update_modified=False)
				parent.is_group = 1
			frappe.db.set_value("Practice", name, "parent_practice", parent.name, update_modified=False)
			moved = True
		if moved:
			rebuild_tree("Practice")
		self.subparts = []

	# ------------------------------------------------------------------ providers
	def provider_values(self, record: NppesRecord) -> dict:
		return provider_values(record, bool(self.taxonomy(record.primary_taxonomy)), self.genders)

	def upsert_providers(self, records: list[NppesRecord]) -> None:
		known = self.existing(
			"Provider", [r.npi for r in records], (*PROVIDER_FIELDS, "specialty", "specialty_overridden")
		)
		new = []
		for record in records:
			row = known.get(record.npi)
			if row is None and not record.active:
				self.summary.skipped[_("deactivated NPI not in the CRM")] += 1
				continue
			values = self.provider_values(record)
			if row is None:
				new.append((record, values))
				continue
			if not self.needs_writing(record, row):
				self.summary.rows_unchanged += 1
				continue
			if not record.active:
				values = {
					"npi_deactivated_on": values["npi_deactivated_on"],
					"nppes_updated_on": record.last_update_date,
				}
			elif not row.specialty_overridden and (specialty := self.specialty_for(record.primary_taxonomy)):
				values["specialty"] = specialty
			if self.update("Provider", row, values):
				self.summary.providers_updated += 1
			else:
				self.summary.rows_unchanged += 1
		self.insert_providers(new)

	def insert_providers(self, new: list[tuple[NppesRecord, dict]]) -> None:
		offices = self.offices_for([record for record, _values in new])
		names = self.reserve_names("Provider", len(new))
		rows, links = [], []
		for name, (record, values) in zip(names, new, strict=True):
			practice = offices.get(record.npi)
			known = self.taxonomy(record.primary_taxonomy)
			rows.append(
				[
					*self.std(name),
					*(values[f] for f in PROVIDER_FIELDS),
					record.npi,
					self.specialty_for(record.primary_taxonomy),
					int(bool(known and known.is_primary_care)),
					practice,
					self.practice_territory(practice),
				]
			)
			if practice:
				links.append(
					[*self.std(frappe.generate_hash(length=10)), name, "Provider", "practices", practice, 1]
				)
		columns = [
			*STD_FIELDS,
			*PROVIDER_FIELDS,
			"npi",
			"specialty",
			"is_pcp",
			"primary_practice",
			"referral_territory",
		]
		frappe.db.bulk_insert("Provider", columns, rows)
		frappe.db.bulk_insert(
			"Provider Practice", [*STD_FIELDS, *CHILD_FIELDS, "practice", "is_primary"], links
		)
		self.summary.providers_inserted += len(rows)

	def offices_for(self, records: list[NppesRecord]) -> dict[str, str]:
		"""The practice at each individual's practice location, made when no practice is there yet."""
		offices, missing = {}, {}
		for record in records:
			key = address_key(record.zip_code, record.address_line1)
			if not key:
				continue
			if key in self.practice_at:
				offices[record.npi] = self.practice_at[key]
			elif key not in missing:
				missing[key] = record
		made = self.insert_practices(
			[(record, self.office_values(record)) for record in missing.values()], office_of=True
		)
		for key, name in zip(missing, made, strict=True):
			self.practice_at[key] = name
			self.offices.add(name)
		for record in records:
			key = address_key(record.zip_code, record.address_line1)
			if key and record.npi not in offices:
				offices[record.npi] = self.practice_at[key]
		return offices

	def office_values(self, record: NppesRecord) -> dict:
		name = provider_display_name(
			proper_case(record.first_name), "", proper_case(record.last_name), record.credential
		)
		values = self.practice_values(record)
		values["practice_name"] = stored_text(_("Office of {0}").format(name))
		return values

	def practice_territory(self, practice: str | None) -> str | None:
		if not practice:
			return None
		if practice not in self.territory_of_practice:
			self.territory_of_practice[practice] = frappe.db.get_value(
				"Practice", practice, "referral_territory"
			)
		return self.territory_of_practice[practice]


OWNER_FIELDS = ("liaison", "referral_coordinator", "appointment_setter", "account_owner")
