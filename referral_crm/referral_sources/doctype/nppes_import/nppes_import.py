# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import time

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime
from frappe.utils.nestedset import get_descendants_of

from referral_crm.core.referral_sources.nppes import NppesFilter, estimate_rows, read_nppes
from referral_crm.core.referral_sources.nppes_companions import (
	ENDPOINT,
	OTHER_NAME,
	PRACTICE_LOCATION,
	companions_in_zip,
)
from referral_crm.referral_sources.duplicates import DOCTYPES, index_changed_since
from referral_crm.referral_sources.nppes import ImportSummary, NppesImporter
from referral_crm.referral_sources.nppes_companions import import_companions

ENTITY_TYPES = {
	"Individuals and Organisations": (1, 2),
	"Individuals (Providers)": (1,),
	"Organisations (Practices)": (2,),
}
PROGRESS_EVENT = "nppes_import_progress"
COMPANION_FIELDS = {
	PRACTICE_LOCATION: "practice_location_file",
	OTHER_NAME: "other_name_file",
	ENDPOINT: "endpoint_file",
}


def split_list(text: str | None) -> list[str]:
	return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


class NPPESImport(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.referral_sources.doctype.practice_specialty.practice_specialty import (
			PracticeSpecialty,
		)

		entity_types: DF.Literal[
			"Individuals and Organisations", "Individuals (Providers)", "Organisations (Practices)"
		]
		finished_at: DF.Datetime | None
		import_file: DF.Attach
		practices_inserted: DF.Int
		practices_updated: DF.Int
		providers_inserted: DF.Int
		providers_updated: DF.Int
		referral_territory: DF.Link | None
		rows_per_second: DF.Float
		rows_read: DF.Int
		rows_skipped: DF.Int
		rows_unchanged: DF.Int
		rows_with_errors: DF.Int
		specialties: DF.TableMultiSelect[PracticeSpecialty]
		started_at: DF.Datetime | None
		states: DF.Data | None
		status: DF.Literal["Draft", "Queued", "Running", "Completed", "Failed"]
		summary: DF.LongText | None
		taxonomy_codes: DF.SmallText | None
		zip_prefixes: DF.Data | None

	# end: auto-generated types
	def validate(self):
		self.states = ", ".join(s.upper() for s in split_list(self.states))
		for prefix in split_list(self.zip_prefixes):
			if not prefix.isdigit() or len(prefix) > 5:
				frappe.throw(
					_("{0} is not the start of a ZIP code (one to five digits).").format(frappe.bold(prefix))
				)

	@frappe.whitelist()
	def start_import(self):
		"""Queue the import; the form shows its progress and the summary when it is done."""
		self.check_permission("write")
		if self.status in ("Queued", "Running"):
			frappe.throw(_("This import is already under way."))
		self.db_set({"status": "Queued", "summary": None})
		frappe.enqueue(
			"referral_crm.referral_sources.doctype.nppes_import.nppes_import.run_import",
			queue="long",
			timeout=4 * 3600,
			job_id=f"referral_crm_nppes_import::{self.name}",
			deduplicate=True,
			enqueue_after_commit=True,
			name=self.name,
		)

	def file_path(self, fieldname: str = "import_file") -> str:
		file = frappe.get_doc("File", {"file_url": self.get(fieldname)})
		return file.get_full_path()

	def companion_sources(self) -> dict[str, str]:
		"""The companion files to read: those attached, else those inside CMS's zip."""
		main = self.file_path()
		sources = dict.fromkeys(companions_in_zip(main), main)
		for kind, fieldname in COMPANION_FIELDS.items():
			if self.get(fieldname):
				sources[kind] = self.file_path(fieldname)
		return sources

	def row_filter(self) -> NppesFilter:
		taxonomy_codes = {code.upper() for code in split_list(self.taxonomy_codes)}
		specialties = [row.specialty for row in self.specialties]
		if specialties:
			taxonomy_codes.update(
				frappe.get_all("Provider Taxonomy", filters={"specialty": ("in", specialties)}, pluck="name")
			)
			taxonomy_codes.update(
				code
				for code in frappe.get_all(
					"Specialty", filters={"name": ("in", specialties)}, pluck="taxonomy_code"
				)
				if code
			)
		return NppesFilter(
			states=frozenset(split_list(self.states)),
			zip_prefixes=tuple(split_list(self.zip_prefixes)),
			zip_codes=frozenset(territory_zips(self.referral_territory)) if self.referral_territory else None,
			taxonomy_codes=frozenset(taxonomy_codes),
			entity_types=frozenset(ENTITY_TYPES[self.entity_types or "Individuals and Organisations"]),
		)


def territory_zips(territory: str) -> set[str]:
	territories = [territory, *get_descendants_of("Referral Territory", territory, ignore_permissions=True)]
	return set(
		frappe.get_all(
			"Referral Territory ZIP",
			filters={"parent": ("in", territories), "parenttype": "Referral Territory"},
			pluck="zip_code",
		)
	)


def import_files(importer: NppesImporter, path: str, row_filter: NppesFilter, sources: dict) -> ImportSummary:
	"""The file, its companion files, then the duplicate-check keys of every record they wrote (in
	bulk, so no save kept them): what the desk's import job and the bench command both do."""
	since = importer.now  # the moment the importer stamps its new records with
	summary = importer.run(read_nppes(path, row_filter), commit=True)
	import_companions(importer, sources, commit=True)
	for doctype in DOCTYPES:
		index_changed_since(doctype, since, commit=True)
	return summary


def run_import(name: str) -> ImportSummary:
	"""The background job: stream the file, write in batches, tell the form how far it has come."""
	doc = frappe.get_doc("NPPES Import", name)
	started = time.monotonic()
	doc.db_set({"status": "Running", "started_at": now_datetime(), "finished_at": None})
	frappe.db.commit()
	path = doc.file_path()
	total = estimate_rows(path)

	def progress(summary: ImportSummary, finished: bool = False):
		frappe.publish_realtime(
			PROGRESS_EVENT,
			{
				"name": name,
				"done": summary.rows_read,
				"total": max(total, summary.rows_read),
				"finished": finished,
			},
			doctype="NPPES Import",
			docname=name,
		)

	try:
		sources = doc.companion_sources()
		total += sum(estimate_rows(p) for p in set(sources.values()) if p != path)
		summary = import_files(NppesImporter(progress=progress), path, doc.row_filter(), sources)
	except Exception:
		frappe.db.rollback()
		doc.db_set({"status": "Failed", "finished_at": now_datetime(), "summary": frappe.get_traceback()})
		frappe.db.commit()
		raise
	seconds = max(time.monotonic() - started, 1e-6)
	doc.db_set(
		{
			"status": "Completed",
			"finished_at": now_datetime(),
			"rows_read": summary.rows_read,
			"providers_inserted": summary.providers_inserted,
			"providers_updated": summary.providers_updated,
			"practices_inserted": summary.practices_inserted,
			"practices_updated": summary.practices_updated,
			"rows_unchanged": summary.rows_unchanged,
			"rows_skipped": summary.rows_skipped,
			"rows_with_errors": len(summary.errors),
			"rows_per_second": summary.rows_read / seconds,
			"locations_linked": summary.locations_linked,
			"other_names": summary.other_names,
			"endpoints": summary.endpoints,
			"summary": summary.as_text(),
		}
	)
	frappe.db.commit()
	progress(summary, finished=True)
	return summary
