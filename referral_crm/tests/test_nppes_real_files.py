"""CMS's own files into the CRM: the real organisation row, and the real Practice Location, Other Name and
Endpoint rows onto records holding those NPIs. Every row is imported or skipped for a reason a person
accepts; none is refused."""

import csv
import io
import os
import tempfile
from pathlib import Path

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.core.referral_sources.nppes import NPPES_HEADER, NppesFilter, read_nppes
from referral_crm.core.referral_sources.nppes_companions import ENDPOINT, OTHER_NAME, PRACTICE_LOCATION
from referral_crm.referral_sources.nppes import NppesImporter
from referral_crm.referral_sources.nppes_companions import NOT_IN_CRM, import_companions
from referral_crm.referral_sources.taxonomies import SHIPPED_CODE_SET, load_code_set
from referral_crm.testing import make_practice, make_provider

CMS = Path(__file__).parent / "data" / "cms"
FILES = {
	PRACTICE_LOCATION: CMS / "pl_pfile_excerpt.csv",
	OTHER_NAME: CMS / "othername_pfile_excerpt.csv",
	ENDPOINT: CMS / "endpoint_pfile_excerpt.csv",
}


def cms_rows(kind: str) -> list[dict]:
	with open(FILES[kind], newline="", encoding="utf-8") as source:
		return list(csv.DictReader(source))


class TestRealNppesFiles(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.forget_committed(cls)  # what an interrupted earlier run left: these NPIs start unknown

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.db.rollback()

	def test_cms_organisation_row_becomes_a_practice(self):
		summary = NppesImporter().run(read_nppes(str(CMS / "npidata_pfile_one_organisation.csv")))
		self.assertEqual((summary.errors, summary.practices_inserted), ([], 1))
		practice = frappe.get_doc("Practice", {"npi": "1063947125"})
		self.assertEqual(
			(practice.practice_name, practice.city, practice.state, practice.zip_code, practice.phone),
			("Lovettsville Dental Arts", "Lovettsville", "VA", "20180", "+15408224224"),
		)
		self.assertEqual(practice.taxonomy_code, "261QD0000X")
		self.assertNotIn("UNAVAIL", frappe.as_json(practice.as_dict()))

	def test_an_import_keys_the_real_row_for_duplicate_checks(self):
		"""As the bench command and the desk's job import (committing as they go): the practice made from
		CMS's row can be found as a duplicate at once, by its NPI and its phone."""
		from referral_crm.referral_sources.doctype.nppes_import.nppes_import import import_files

		try:
			path = str(CMS / "npidata_pfile_one_organisation.csv")
			summary = import_files(NppesImporter(), path, NppesFilter(), {})
			self.assertEqual(summary.practices_inserted, 1)
			practice = frappe.db.get_value("Practice", {"npi": "1063947125"})
			keys = set(frappe.get_all("Duplicate Key", filters={"record": practice}, pluck="match_key"))
			self.assertTrue({"npi:1063947125", "phone:+15408224224"} <= keys, keys)
		finally:
			self.forget_committed()

	def test_markup_in_a_row_is_stored_harmless_and_the_row_kept(self):
		with open(CMS / "npidata_pfile_one_organisation.csv", newline="") as source:
			header, row = list(csv.reader(source))
		self.assertEqual(header, list(NPPES_HEADER))
		row[header.index("Provider Organization Name (Legal Business Name)")] = (
			'LOVETTSVILLE <img src=x onerror="alert(1)"> DENTAL'
		)
		out = io.StringIO()
		csv.writer(out, quoting=csv.QUOTE_ALL).writerows([header, row])
		summary = NppesImporter().run(read_nppes(io.BytesIO(out.getvalue().encode())))
		self.assertEqual((summary.errors, summary.practices_inserted), ([], 1))
		name = frappe.db.get_value("Practice", {"npi": "1063947125"}, "practice_name")
		self.assertIn("DENTAL", name.upper())
		self.assertNotIn("onerror", name, "stored as Frappe stores a typed value: the handler is gone")

	def forget_committed(self):
		"""The import job commits as it goes: take its records out again."""
		frappe.db.rollback()
		npis = {"1063947125"} | {r["NPI"] for kind in FILES for r in cms_rows(kind)}
		for doctype in ("Provider", "Practice"):
			for name in frappe.get_all(doctype, filters={"npi": ("in", list(npis))}, pluck="name"):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()

	def make_records(self):
		"""The NPIs of CMS's rows as the CRM would hold them: organisations (other names, and every other
		NPI of the Practice Location file) as Practices, the rest as Providers."""
		organisations = {r["NPI"] for r in cms_rows(OTHER_NAME)}
		locations = sorted({r["NPI"] for r in cms_rows(PRACTICE_LOCATION)})
		organisations |= set(locations[::2])
		individuals = (set(locations) | {r["NPI"] for r in cms_rows(ENDPOINT)}) - organisations
		home = make_practice(address_line1="1 Home St")
		for npi in organisations:
			make_practice(npi=npi, practice_name=f"Org {npi}")
		for npi in individuals:
			make_provider(npi=npi, practices=[home.name])
		return organisations, individuals, home

	def import_all(self) -> NppesImporter:
		importer = NppesImporter(batch_size=50)
		import_companions(importer, {kind: str(path) for kind, path in FILES.items()})
		return importer

	def test_every_real_companion_row_is_imported_or_skipped_for_a_reason(self):
		organisations, individuals, home = self.make_records()
		summary = self.import_all().summary
		self.assertEqual(summary.errors, [], "no real row is refused")
		self.assertEqual(summary.rows_read, 600)
		self.assertEqual(set(summary.skipped), set(), "every NPI is in the CRM here")

		# Secondary locations: each provider works at each of its distinct addresses.
		provider_addresses = {}
		for r in cms_rows(PRACTICE_LOCATION):
			if r["NPI"] in individuals:
				street = r["Provider Secondary Practice Location Address- Address Line 1"]
				provider_addresses.setdefault(r["NPI"], set()).add((r[FILE_ZIP][:5], street.upper()))
		for npi, addresses in provider_addresses.items():
			provider = frappe.get_doc("Provider", {"npi": npi})
			self.assertEqual(len(provider.practices), 1 + len(addresses), npi)
			self.assertEqual(provider.practices[0].practice, home.name, "the practice a person set stays")
		# An organisation's secondary locations sit under it in the tree.
		org = next(r["NPI"] for r in cms_rows(PRACTICE_LOCATION) if r["NPI"] in organisations)
		parent = frappe.get_doc("Practice", {"npi": org})
		self.assertTrue(parent.is_group)
		self.assertTrue(frappe.get_all("Practice", filters={"parent_practice": parent.name}))

		# Other names: on the practice, with their kind, and searchable.
		empire = frappe.get_doc("Practice", {"npi": "1134856982"})
		self.assertEqual(
			[(n.other_name, n.name_type) for n in empire.other_names],
			[("Empire Health Systems", "Other Name")],
		)
		from frappe.desk.search import search_widget

		found = search_widget("Practice", "Empire Health Sys", page_length=20)
		self.assertIn(empire.name, [row[0] for row in found])
		self.assertEqual(
			summary.other_names, len({(r["NPI"], r[OTHER_NAME_COLUMN]) for r in cms_rows(OTHER_NAME)})
		)

		# Endpoints: each distinct one kept, the Direct address offered for the visit note.
		distinct = {(r["NPI"], r["Endpoint Type"], r["Endpoint"]) for r in cms_rows(ENDPOINT)}
		self.assertEqual(summary.endpoints, len(distinct))
		holder = frappe.get_doc(
			"Practice" if "1295057917" in organisations else "Provider", {"npi": "1295057917"}
		)
		self.assertEqual(holder.direct_address, "dmann343056@UmassMemorial.direct-ci.com")
		self.assertIn("FHIR", [e.endpoint_type for e in holder.endpoints])

	def test_importing_again_adds_nothing_and_keeps_what_people_typed(self):
		organisations, individuals, _home = self.make_records()
		self.import_all()
		empire = frappe.get_doc("Practice", {"npi": "1134856982"})
		empire.append(
			"other_names", {"other_name": "Empire Clinic on Main", "name_type": "Doing Business As"}
		)
		empire.save()
		holder_type = "Practice" if "1295057917" in organisations else "Provider"
		frappe.db.set_value(
			holder_type, {"npi": "1295057917"}, "direct_address", "intake@clinic.direct.example"
		)
		before = {
			table: frappe.db.count(table)
			for table in ("Provider Practice", "Practice Other Name", "NPI Endpoint", "Practice")
		}
		summary = self.import_all().summary
		after = {table: frappe.db.count(table) for table in before}
		self.assertEqual(after, before)
		self.assertEqual(summary.errors, [])
		empire.reload()
		self.assertEqual(
			sorted(n.other_name for n in empire.other_names),
			["Empire Clinic on Main", "Empire Health Systems"],
		)
		self.assertIn("Empire Clinic on Main", empire.also_known_as)
		self.assertEqual(
			frappe.db.get_value(holder_type, {"npi": "1295057917"}, "direct_address"),
			"intake@clinic.direct.example",
		)

	def test_rows_of_npis_outside_the_crm_are_skipped_and_counted(self):
		summary = self.import_all().summary
		self.assertEqual(summary.errors, [])
		known = frappe.get_all("Practice", filters={"npi": ("is", "set")}, pluck="npi") + frappe.get_all(
			"Provider", filters={"npi": ("is", "set")}, pluck="npi"
		)
		outside = sum(1 for kind in FILES for r in cms_rows(kind) if r["NPI"] not in known)
		self.assertEqual(summary.skipped[NOT_IN_CRM], outside)

	def test_the_whole_download_as_one_zip(self):
		import zipfile

		from referral_crm.referral_sources.doctype.nppes_import.nppes_import import run_import

		handle, path = tempfile.mkstemp(suffix=".zip", prefix="NPPES_Data_Dissemination_")
		os.close(handle)
		with zipfile.ZipFile(path, "w") as archive:
			archive.write(CMS / "npidata_pfile_one_organisation.csv", "npidata_pfile_20050523-20251109.csv")
			for kind, file in FILES.items():
				archive.write(file, f"{kind}_pfile_20050523-20251109.csv")
		self.addCleanup(os.unlink, path)
		self.addCleanup(self.forget_committed)
		with open(path, "rb") as content:
			file = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": "NPPES_Data_Dissemination_November_2025.zip",
					"content": content.read(),
					"is_private": 1,
				}
			).insert()
		doc = frappe.get_doc({"doctype": "NPPES Import", "import_file": file.file_url}).insert()
		summary = run_import(doc.name)
		self.assertEqual(summary.errors, [])
		self.assertEqual(summary.rows_read, 601)
		self.assertEqual(summary.practices_inserted, 1)
		doc.reload()
		self.assertEqual((doc.status, doc.rows_with_errors), ("Completed", 0))


FILE_ZIP = "Provider Secondary Practice Location Address - Postal Code"
OTHER_NAME_COLUMN = "Provider Other Organization Name"


class TestNuccCodeSet(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_the_complete_code_set_ships(self):
		self.assertGreaterEqual(frappe.db.count("Provider Taxonomy", {"code_set_version": "25.1"}), 883)
		self.assertEqual(
			frappe.db.count("Provider Taxonomy", {"deprecated": 1, "code_set_version": "25.1"}), 0
		)

	def test_a_newer_code_set_keeps_and_marks_the_codes_it_dropped(self):
		provider = make_provider(taxonomy_code="207RC0000X")
		lines = SHIPPED_CODE_SET.read_text(encoding="utf-8-sig").splitlines(keepends=True)
		newer = "".join(line for line in lines if not line.startswith("207RC0000X,"))
		result = load_code_set(io.BytesIO(newer.encode()), version="26.0")
		self.assertEqual(result["deprecated"], ["207RC0000X"])
		self.assertTrue(frappe.db.get_value("Provider Taxonomy", "207RC0000X", "deprecated"))
		provider.reload()
		self.assertEqual(provider.taxonomy_code, "207RC0000X")
		self.assertFalse(provider.unknown_taxonomy)

		older = load_code_set(io.BytesIO("".join(lines).encode()), version="25.1")
		self.assertTrue(older["older_than_site"])
		self.assertTrue(
			frappe.db.get_value("Provider Taxonomy", "207RC0000X", "deprecated"),
			"an older set changes nothing",
		)
