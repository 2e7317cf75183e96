"""Duplicates: the report finds one office entered twice; merging moves its history to the one kept."""

from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.referral_sources import duplicates
from referral_crm.referral_sources.duplicates import KEY, merge_records
from referral_crm.referral_sources.report.duplicate_records.duplicate_records import execute
from referral_crm.testing import (
	make_practice,
	make_provider,
	make_referral,
	make_user,
	make_visit,
	unique_npi,
)


class TestDuplicates(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_one_office_entered_twice_is_found_and_merged(self):
		kept = make_practice(practice_name="Concourse Family Practice", fax="+17185550143", zip_code="10451")
		npi = unique_npi("1")
		twin = make_practice(
			practice_name="CONCOURSE FAMILY PRACTICE, PLLC", fax="+17185550143", zip_code="10451", npi=npi
		)
		make_practice(practice_name="Concourse Cardiology", fax="+17185550999", zip_code="10451")
		provider = make_provider(practices=[kept.name, twin.name])
		visit = make_visit(twin.name)
		referral = make_referral(referring_provider=provider.name, referring_practice=twin.name)

		rows = execute({"record_type": "Practice"})[1]
		pair = next(r for r in rows if {r["record"], r["other"]} == {kept.name, twin.name})
		self.assertGreaterEqual(pair["score"], 90)
		self.assertIn("same fax", pair["reasons"])
		self.assertFalse(
			any(
				"Cardiology" in (r["record_name"] + r["other_name"])
				for r in rows
				if kept.name in (r["record"], r["other"])
			)
		)

		merge_records("Practice", kept.name, twin.name)
		self.assertFalse(frappe.db.exists("Practice", twin.name))
		self.assertEqual(frappe.db.get_value("Visit", visit.name, "practice"), kept.name)
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "referring_practice"), kept.name)
		self.assertEqual(frappe.db.get_value("Practice", kept.name, "npi"), npi)
		self.assertEqual(frappe.db.get_value("Practice", kept.name, "total_referrals"), 1)
		provider.reload()
		self.assertEqual([row.practice for row in provider.practices], [kept.name])

	def test_two_npis_are_two_entities_and_are_not_merged(self):
		a = make_practice(npi=unique_npi("1"))
		b = make_practice(npi=unique_npi("1"))
		with self.assertRaisesRegex(frappe.ValidationError, "different NPIs"):
			merge_records("Practice", a.name, b.name)
		self.assertTrue(frappe.db.exists("Practice", b.name))

	def test_a_liaison_cannot_merge(self):
		a, b = make_practice(), make_practice()
		frappe.set_user(make_user(["Physician Liaison"]))
		with self.assertRaises(frappe.PermissionError):
			merge_records("Practice", a.name, b.name)

	def test_one_record_s_duplicates_come_from_the_index_as_it_is_saved(self):
		kept = make_practice(practice_name="Mott Haven Kidney Care", phone="+17185550177", zip_code="10454")
		twin = make_practice(
			practice_name="MOTT HAVEN KIDNEY CARE PC", phone="+17185550177", zip_code="10454"
		)
		other = make_practice(practice_name="Mott Haven Dental", phone="+17185550178", zip_code="10454")

		def found(record):
			rows = execute({"record_type": "Practice", "record": record})[1]
			return {(r["record"], r["other"]): r for r in rows}

		pair = found(kept.name)[tuple(sorted((kept.name, twin.name)))]
		self.assertIn("same phone", pair["reasons"])
		self.assertEqual(found(other.name), {})
		self.assertIn(
			"phone:+17185550177", set(frappe.get_all(KEY, {"record": twin.name}, pluck="match_key"))
		)

		# the index follows an edit: a new number leaves the old block, and the pair goes
		twin.phone = "+17185550199"
		twin.practice_name = "Hunts Point Podiatry"
		twin.save()
		self.assertEqual(found(kept.name), {})
		frappe.delete_doc("Practice", twin.name, force=True)
		self.assertEqual(frappe.db.count(KEY, {"record": twin.name}), 0)

	def test_a_large_site_is_shown_as_its_latest_sweep_found_it(self):
		kept = make_practice(practice_name="Soundview Heart Center", fax="+17185550155", zip_code="10473")
		twin = make_practice(practice_name="Soundview Heart Ctr LLC", fax="+17185550155", zip_code="10473")
		original = duplicates.LIVE_LIMIT
		duplicates.LIVE_LIMIT = 1
		try:
			# no sweep yet: one is queued, and the report says so instead of making the person wait
			_columns, rows, message = execute({"record_type": "Practice"})[:3]
			self.assertEqual(rows, [])
			self.assertIn("background", message)
			sweep = frappe.get_last_doc("Duplicate Sweep", filters={"record_type": "Practice"})
			self.assertEqual(sweep.status, "Queued")
			with patch.object(frappe.db, "commit"):  # the job commits as it goes; the test rolls back
				duplicates.run_sweep(sweep.name)
			sweep.reload()
			self.assertEqual(sweep.status, "Done")
			_columns, rows, message = execute({"record_type": "Practice"})[:3]
			self.assertIn(tuple(sorted((kept.name, twin.name))), {(r["record"], r["other"]) for r in rows})
			self.assertIn(str(sweep.records), message)
			# a record merged away since the sweep is not offered again
			merge_records("Practice", kept.name, twin.name)
			rows = execute({"record_type": "Practice"})[1]
			self.assertNotIn(twin.name, {r["other"] for r in rows} | {r["record"] for r in rows})
		finally:
			duplicates.LIVE_LIMIT = original

	def test_the_records_of_one_nppes_import_are_compared_with_the_site(self):
		existing = make_practice(
			practice_name="Parkchester Renal Group", fax="+17185550166", zip_code="10462"
		)
		run = frappe.new_doc("NPPES Import")
		run.started_at = frappe.utils.now_datetime()
		run.set_new_name()
		run.db_insert()
		twin = make_practice(practice_name="PARKCHESTER RENAL GROUP", fax="+17185550166", zip_code="10462")
		run.db_set("finished_at", frappe.utils.now_datetime())
		make_practice(practice_name="Parkchester Renal Group", fax="+17185550166", zip_code="10462")  # after

		rows = execute({"record_type": "Practice", "nppes_import": run.name})[1]
		pairs = {(r["record"], r["other"]) for r in rows}
		self.assertIn(tuple(sorted((existing.name, twin.name))), pairs)
		self.assertTrue(all(twin.name in pair for pair in pairs))  # only the import's own record's pairs
