"""The outreach spreadsheet an agency starts from: offices, providers, their last contact and next step."""

import csv
import io

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.testing import make_user

HEADER = ["Agent", "Last Contact", "Outcome", "Remarks", "Next step", "First Name", "Last Name", "Gender"]
HEADER += ["Specialty", "Phone", "Fax", "Address", "Address2", "City", "State", "Zip Code"]


class TestOutreachSheetImport(FrappeTestCase):
	def setUp(self):
		self.agent = make_user(["Physician Liaison"])
		self.first = frappe.db.get_value("User", self.agent, "first_name")
		self.tag = frappe.generate_hash(length=6)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def sheet(self, rows) -> str:
		out = io.StringIO()
		writer = csv.writer(out)
		writer.writerow(HEADER)
		writer.writerows(rows)
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"outreach-{self.tag}.csv",
				"content": out.getvalue(),
				"is_private": 1,
			}
		).insert()
		return frappe.get_doc({"doctype": "Outreach Sheet Import", "import_file": file.file_url}).insert()

	def row(self, last="Ortiz", phone="7189398440", fax="7189395378", **overrides):
		values = dict(
			zip(
				HEADER,
				[
					self.first,
					"11/12/2019",
					"CONNECTED",
					"Spoke to Lisa. She is the one that sends referrals.",
					"Reminder on 1/12/2020 – call back",
					"Carlos",
					f"{last}{self.tag}",
					"M",
					"Primary Care Provider (PCP)",
					phone,
					fax,
					"14242 41st Ave",
					"",
					"Flushing",
					"NY",
					"11355",
				],
				strict=True,
			)
		)
		values.update(overrides)
		return [values[h] for h in HEADER]

	def test_the_seed_spreadsheet_row_becomes_an_office_a_provider_a_contact_and_a_follow_up(self):
		doc = self.sheet(
			[
				self.row(),
				self.row(last="Nguyen", **{"First Name": "Wei", "Outcome": "Left VM", "Next step": ""}),
			]
		)
		result = doc.run_import()
		self.assertEqual(result["status"], "Imported", doc.import_log)
		self.assertEqual((doc.practices_created, doc.practices_matched), (1, 1), "same fax: one office")
		self.assertEqual((doc.providers_created, doc.visits_created, doc.follow_ups_created), (2, 2, 1))

		ortiz = frappe.get_doc("Provider", {"last_name": f"Ortiz{self.tag}"})
		self.assertTrue(ortiz.is_pcp)
		visit = frappe.get_doc(
			"Visit", {"practice": ortiz.primary_practice, "outcome": "Spoke with Office Staff"}
		)
		self.assertEqual(
			(visit.user, str(visit.visit_datetime.date()), str(visit.follow_up_date)),
			(self.agent, "2019-11-12", "2020-01-12"),
		)
		self.assertEqual(frappe.db.get_value("ToDo", visit.follow_up_todo, "allocated_to"), self.agent)

	def test_one_unreadable_row_imports_nothing_and_names_its_line(self):
		doc = self.sheet(
			[
				self.row(),
				self.row(last="Bad", **{"Last Contact": "13/45/2020"}),
				self.row(last="Nobody", Agent="Nobody Known"),
			]
		)
		result = doc.run_import()
		self.assertEqual(result["status"], "Failed")
		self.assertIn("line 3: Last Contact '13/45/2020' is not a date", doc.import_log)
		self.assertIn("line 4: Agent Nobody Known is not a user", doc.import_log)
		self.assertFalse(
			frappe.db.exists("Provider", {"last_name": f"Ortiz{self.tag}"}), "nothing half-imported"
		)
