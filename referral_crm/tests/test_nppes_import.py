"""NPPES into the CRM: a file in the real layout, imported twice, then a newer one; and the NPI Registry lookup."""

import csv
import io
import os
import random
import string
import tempfile

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.core.referral_sources.nppes import NPPES_HEADER, NppesFilter, read_nppes
from referral_crm.referral_sources.nppes import NppesImporter
from referral_crm.testing import RecordedServer, json_answer, unique_npi

SETTINGS = "Referral CRM Settings"


def nppes_row(**values) -> list[str]:
	row = dict.fromkeys(NPPES_HEADER, "")
	row.update(values)
	return [row[column] for column in NPPES_HEADER]


def organisation(npi, name, street, zip_code="10451", updated="01/15/2025", **extra):
	return nppes_row(
		**{
			"NPI": npi,
			"Entity Type Code": "2",
			"Provider Organization Name (Legal Business Name)": name,
			"Provider First Line Business Practice Location Address": street,
			"Provider Business Practice Location Address City Name": "BRONX",
			"Provider Business Practice Location Address State Name": "NY",
			"Provider Business Practice Location Address Postal Code": zip_code + "1234",
			"Provider Business Practice Location Address Telephone Number": "7185550100",
			"Provider Business Practice Location Address Fax Number": "7185550101",
			"Provider Enumeration Date": "05/23/2005",
			"Last Update Date": updated,
			"Healthcare Provider Taxonomy Code_1": "261QP2300X",
			"Healthcare Provider Primary Taxonomy Switch_1": "Y",
			"Is Organization Subpart": "N",
			**extra,
		}
	)


def individual(npi, first, last, street, zip_code="10451", updated="02/01/2025", **extra):
	return nppes_row(
		**{
			"NPI": npi,
			"Entity Type Code": "1",
			"Provider Last Name (Legal Name)": last,
			"Provider First Name": first,
			"Provider Credential Text": "M.D.",
			"Provider Sex Code": "F",
			"Provider First Line Business Practice Location Address": street,
			"Provider Business Practice Location Address City Name": "BRONX",
			"Provider Business Practice Location Address State Name": "NY",
			"Provider Business Practice Location Address Postal Code": zip_code,
			"Provider Business Practice Location Address Telephone Number": "7185550100",
			"Provider Enumeration Date": "06/01/2006",
			"Last Update Date": updated,
			"Healthcare Provider Taxonomy Code_1": "207RC0000X",
			"Healthcare Provider Primary Taxonomy Switch_1": "N",
			"Healthcare Provider Taxonomy Code_2": "207R00000X",
			"Healthcare Provider Primary Taxonomy Switch_2": "Y",
			**extra,
		}
	)


def write_file(rows) -> str:
	handle, path = tempfile.mkstemp(suffix=".csv", prefix="npidata_pfile_")
	with os.fdopen(handle, "w", newline="") as out:
		writer = csv.writer(out, quoting=csv.QUOTE_ALL)
		writer.writerow(NPPES_HEADER)
		writer.writerows(rows)
	return path


class TestNppesImport(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.org, self.sub, self.doc1, self.doc2, self.odd = (unique_npi("1") for _ in range(5))
		self.tag = "".join(random.choices(string.ascii_uppercase, k=6))  # letters: a name reads "Qwerty"
		self.street = f"{self.tag} GRAND CONCOURSE"
		self.rows = [
			organisation(self.org, f"BRONX PRIMARY CARE {self.tag} PLLC", self.street),
			organisation(
				self.sub,
				f"BRONX PRIMARY CARE {self.tag} WEST",
				f"{self.tag} JEROME AVE",
				**{
					"Is Organization Subpart": "Y",
					"Parent Organization LBN": f"BRONX PRIMARY CARE {self.tag} PLLC",
				},
			),
			individual(self.doc1, "ANA", "RIVERA", self.street),
			individual(self.doc2, "JOHN", "O'NEIL", f"{self.tag} FORDHAM RD", zip_code="10458"),
			individual(
				self.odd,
				"MARY",
				"SMITH",
				f"{self.tag} FORDHAM RD",
				zip_code="10458",
				**{
					"Healthcare Provider Taxonomy Code_1": "999Z00000X",
					"Healthcare Provider Taxonomy Code_2": "",
				},
			),
			nppes_row(**{"NPI": unique_npi("1"), "NPI Deactivation Date": "03/01/2024"}),
			individual("1234567890", "BAD", "CHECKDIGIT", self.street),
		]
		self.paths = []

	def tearDown(self):
		frappe.db.rollback()
		for path in self.paths:
			os.unlink(path)

	def run_import(self, rows, **filters):
		path = write_file(rows)
		self.paths.append(path)
		return NppesImporter(batch_size=3).run(read_nppes(path, NppesFilter(**filters)))

	def snapshot(self):
		npis = [self.org, self.sub, self.doc1, self.doc2, self.odd]
		return (
			frappe.get_all("Practice", filters={"npi": ("in", npis)}, fields=["*"], order_by="name"),
			frappe.get_all("Provider", filters={"npi": ("in", npis)}, fields=["*"], order_by="name"),
			frappe.get_all(
				"Practice",
				filters={"address_line1": ("like", f"{self.tag}%")},
				fields=["name", "modified"],
				order_by="name",
			),
			frappe.db.count("Provider Practice"),
		)

	def test_a_file_becomes_practices_and_providers_linked_by_address(self):
		summary = self.run_import(self.rows)
		self.assertEqual(
			(summary.practices_inserted, summary.providers_inserted), (3, 3)
		)  # 2 organisations, 1 office
		self.assertEqual(summary.skipped.get("deactivated NPI not in the CRM"), 1)
		self.assertEqual([line for line, _m in summary.errors], [8])

		org = frappe.get_doc("Practice", {"npi": self.org})
		self.assertEqual(org.practice_name, f"Bronx Primary Care {self.tag.capitalize()} PLLC")
		self.assertEqual((org.zip_code, org.phone, org.state), ("10451", "+17185550100", "NY"))
		self.assertEqual(org.practice_type, "Primary Care")
		self.assertTrue(org.latitude and org.is_group)
		self.assertEqual(frappe.db.get_value("Practice", {"npi": self.sub}, "parent_practice"), org.name)

		rivera = frappe.get_doc("Provider", {"npi": self.doc1})
		self.assertEqual(rivera.provider_name, "Ana Rivera, M.D.")
		self.assertEqual(rivera.taxonomy_code, "207R00000X", "the primary switch, not the first code")
		self.assertEqual(rivera.specialty, "Internal Medicine")
		self.assertEqual(rivera.primary_practice, org.name, "linked to the organisation at the same address")

		oneil, smith = (frappe.get_doc("Provider", {"npi": n}) for n in (self.doc2, self.odd))
		self.assertEqual(oneil.primary_practice, smith.primary_practice, "one office made for one address")
		self.assertEqual(smith.taxonomy_code, "999Z00000X")
		self.assertTrue(smith.unknown_taxonomy and not smith.specialty)

	def test_importing_the_same_file_twice_changes_nothing(self):
		self.run_import(self.rows)
		before = self.snapshot()
		summary = self.run_import(self.rows)
		self.assertEqual(summary.practices_inserted + summary.providers_inserted, 0)
		self.assertEqual(summary.practices_updated + summary.providers_updated, 0)
		self.assertEqual(self.snapshot(), before)

	def test_a_newer_file_updates_what_changed_and_keeps_what_people_set(self):
		self.run_import(self.rows)
		liaison = frappe.get_doc("User", "Administrator").name
		org = frappe.get_doc("Practice", {"npi": self.org})
		frappe.db.set_value(
			"Practice", org.name, {"liaison": liaison, "account_stage": "Engaged", "notes": "Lunch Fridays"}
		)
		rivera = frappe.get_doc("Provider", {"npi": self.doc1})
		rivera.specialty = "Geriatric Medicine"
		rivera.save()
		self.assertTrue(rivera.specialty_overridden)

		newer = list(self.rows)
		newer[0] = organisation(
			self.org,
			f"BRONX PRIMARY CARE {self.tag} PLLC",
			self.street,
			updated="06/30/2025",
			**{"Provider Business Practice Location Address Telephone Number": "7185550199"},
		)
		newer[2] = individual(
			self.doc1,
			"ANA",
			"RIVERA-LOPEZ",
			self.street,
			updated="07/01/2025",
			**{"Provider Credential Text": "MD"},
		)
		newer[3] = nppes_row(**{"NPI": self.doc2, "NPI Deactivation Date": "05/01/2025"})
		summary = self.run_import(newer)
		self.assertEqual((summary.practices_updated, summary.providers_updated), (1, 2))

		org.reload()
		self.assertEqual(org.phone, "+17185550199")
		self.assertEqual((org.liaison, org.account_stage, org.notes), (liaison, "Engaged", "Lunch Fridays"))
		rivera.reload()
		self.assertEqual((rivera.last_name, rivera.credential), ("Rivera-Lopez", "MD"))
		self.assertEqual(rivera.specialty, "Geriatric Medicine", "a specialty a person chose stays")
		self.assertEqual(
			str(frappe.db.get_value("Provider", {"npi": self.doc2}, "npi_deactivated_on")), "2025-05-01"
		)

	def test_filters_take_only_the_rows_asked_for(self):
		summary = self.run_import(self.rows, zip_prefixes=("10458",), entity_types=frozenset({1}))
		self.assertEqual((summary.providers_inserted, summary.practices_inserted), (2, 1))
		self.assertFalse(frappe.db.exists("Practice", {"npi": self.org}))

	def test_two_imports_begun_together_make_one_office_and_number_the_tree_apart(self):
		"""Two workers importing two files at once: each import read the site when it began, and each
		batch catches up with what the other has made since (an office at a shared address, the
		practice tree's last number)."""
		shared = f"{self.tag} WHITE PLAINS RD"
		first_rows = [
			individual(self.doc1, "ANA", "RIVERA", shared),
			organisation(self.org, f"BRONX PRIMARY CARE {self.tag} PLLC", self.street),
		]
		second_rows = [
			individual(self.doc2, "JOHN", "O'NEIL", shared),
			organisation(self.sub, f"BRONX FAMILY CARE {self.tag} PLLC", f"{self.tag} JEROME AVE"),
		]
		paths = [write_file(first_rows), write_file(second_rows)]
		self.paths.extend(paths)
		first, second = NppesImporter(batch_size=3), NppesImporter(batch_size=3)  # both see the same site
		first.run(read_nppes(paths[0], NppesFilter()))
		second.run(read_nppes(paths[1], NppesFilter()))

		offices = frappe.get_all(
			"Practice", filters={"address_line1": ("like", f"{self.tag} White%")}, pluck="name"
		)
		self.assertEqual(len(offices), 1)
		self.assertEqual(
			frappe.get_all(
				"Provider", filters={"npi": ("in", [self.doc1, self.doc2])}, pluck="primary_practice"
			),
			offices * 2,
		)
		made = frappe.get_all(
			"Practice", filters={"address_line1": ("like", f"{self.tag}%")}, fields=["lft", "rgt"]
		)
		self.assertEqual(len(made), 3)
		numbers = [n for row in made for n in (row.lft, row.rgt)]
		self.assertEqual(len(set(numbers)), 6, made)
		taken = frappe.db.sql(
			"select count(*) from tabPractice where lft in %(n)s or rgt in %(n)s", {"n": numbers}
		)[0][0]
		self.assertEqual(taken, 3)  # no practice already on the site holds these numbers either

	def test_a_chunk_keyed_for_duplicate_checks_is_keyed_again_after_a_deadlock(self):
		from unittest.mock import patch

		from frappe.utils import add_to_date, now_datetime

		from referral_crm.referral_sources import duplicates
		from referral_crm.testing import make_practice

		since = add_to_date(now_datetime(), seconds=-1)
		made = sorted(make_practice().name for _ in range(2))
		calls = []

		def index_records(doctype, names):
			calls.append([n for n in names if n in made])
			if len(calls) == 1:
				raise frappe.QueryDeadlockError("(1213, 'Deadlock found when trying to get lock')")

		with (
			patch.object(duplicates, "index_records", index_records),
			patch.object(frappe.db, "commit"),
			patch.object(frappe.db, "rollback") as rollback,
			patch.object(duplicates.time, "sleep"),
		):
			duplicates.index_changed_since("Practice", since, commit=True)
			self.assertEqual(calls, [made, made])
			self.assertEqual(rollback.call_count, 1)

			calls.clear()

			def broken(doctype, names):
				raise frappe.ValidationError("not a deadlock")

			with patch.object(duplicates, "index_records", broken):
				self.assertRaises(
					frappe.ValidationError, duplicates.index_changed_since, "Practice", since, commit=True
				)

	def test_the_desk_import_runs_as_a_job_and_reports(self):
		from referral_crm.referral_sources.doctype.nppes_import.nppes_import import run_import

		content = io.StringIO()
		writer = csv.writer(content, quoting=csv.QUOTE_ALL)
		writer.writerow(NPPES_HEADER)
		writer.writerows(self.rows)
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "npidata_pfile_test.csv",
				"content": content.getvalue(),
				"is_private": 1,
			}
		).insert()
		doc = frappe.get_doc(
			{"doctype": "NPPES Import", "import_file": file.file_url, "states": "ny"}
		).insert()
		self.assertEqual(doc.states, "NY")
		run_import(doc.name)
		doc.reload()
		self.assertEqual(doc.status, "Completed")
		self.assertEqual((doc.rows_read, doc.providers_inserted, doc.rows_with_errors), (7, 3, 1))
		self.assertIn("line 8", doc.summary)
		for doctype, npis in (
			("Practice", [self.org, self.sub]),
			("Provider", [self.doc1, self.doc2, self.odd]),
		):
			frappe.db.delete(doctype, {"npi": ("in", npis)})  # the job committed
		frappe.db.delete("Practice", {"address_line1": ("like", f"{self.tag}%")})
		frappe.db.commit()


class TestNpiRegistry(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def answer(self, npi):
		return {
			"result_count": 1,
			"results": [
				{
					"number": npi,
					"enumeration_type": "NPI-1",
					"basic": {
						"first_name": "ANA",
						"last_name": "RIVERA",
						"credential": "MD",
						"sex": "F",
						"status": "A",
						"last_updated": "2025-02-01",
					},
					"addresses": [
						{"address_purpose": "MAILING", "address_1": "PO BOX 1", "postal_code": "10001"},
						{
							"address_purpose": "LOCATION",
							"address_1": "600 E 161ST ST",
							"city": "BRONX",
							"state": "NY",
							"postal_code": "104511234",
							"country_code": "US",
							"telephone_number": "718-555-0100",
						},
					],
					"taxonomies": [
						{"code": "207RC0000X", "primary": False},
						{"code": "207R00000X", "primary": True},
					],
				}
			],
		}

	def test_a_new_provider_is_filled_from_the_registry_on_request(self):
		from referral_crm.referral_sources.npi_registry import get_registry_values

		npi = unique_npi("1")
		with RecordedServer(lambda r: json_answer(self.answer(r["query"]["number"]))) as registry:
			frappe.db.set_single_value(SETTINGS, "npi_registry_url", registry.url + "/api/")
			values = get_registry_values("Provider", npi)
		self.assertEqual(registry.requests[0]["query"], {"version": "2.1", "number": npi})
		self.assertEqual((values["first_name"], values["last_name"]), ("Ana", "Rivera"))
		self.assertEqual((values["taxonomy_code"], values["phone"]), ("207R00000X", "+17185550100"))

	def test_an_unknown_npi_and_an_absent_registry_say_so(self):
		from referral_crm.referral_sources.npi_registry import get_registry_values

		with RecordedServer(lambda r: json_answer({"result_count": 0, "results": []})) as registry:
			frappe.db.set_single_value(SETTINGS, "npi_registry_url", registry.url)
			with self.assertRaisesRegex(frappe.ValidationError, "no record of NPI"):
				get_registry_values("Provider", unique_npi("1"))
		frappe.db.set_single_value(SETTINGS, "npi_registry_url", registry.url)  # nothing listens now
		with self.assertRaisesRegex(frappe.ValidationError, "could not be reached"):
			get_registry_values("Provider", unique_npi("1"))

	def test_a_saved_provider_is_refreshed_and_keeps_its_practices(self):
		from referral_crm.referral_sources.npi_registry import refresh_from_registry
		from referral_crm.testing import make_practice, make_provider

		practice = make_practice()
		provider = make_provider(first_name="A", last_name="R", practices=[practice.name])
		with RecordedServer(lambda r: json_answer(self.answer(r["query"]["number"]))) as registry:
			frappe.db.set_single_value(SETTINGS, "npi_registry_url", registry.url)
			changed = refresh_from_registry("Provider", provider.name)
		provider.reload()
		self.assertIn("Last Name", changed)
		self.assertEqual(
			(provider.provider_name, provider.primary_practice), ("Ana Rivera, MD", practice.name)
		)
		self.assertEqual(provider.specialty, "Internal Medicine")
