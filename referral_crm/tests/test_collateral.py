"""Fax collateral: the flyer, the thank-you letter and the weekly patient-status sheet render to PDF."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime

from referral_crm.testing import (
	make_practice,
	make_provider,
	make_referral,
	make_territory,
	make_user,
	move_referral,
	serve_assets_for_pdfs,
	unique_zip,
)

SETTINGS = "Referral CRM Settings"


class TestCollateral(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		serve_assets_for_pdfs(cls)

	def setUp(self):
		frappe.db.set_single_value(
			SETTINGS,
			{
				"agency_name": "Hudson Valley Home Health",
				"intake_fax": "+12125550199",
				"intake_phone": "+12125550100",
			},
		)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		self.practice = make_practice(fax="+17185550143")
		self.provider = make_provider(
			first_name="Ana", last_name="Rivera", credential="MD", practices=[self.practice.name]
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def html(self, doctype, name, print_format):
		return frappe.get_print(doctype, name, print_format)

	def test_the_flyer_names_the_office_and_how_to_refer(self):
		html = self.html("Practice", self.practice.name, "Practice Fax Flyer")
		self.assertIn(self.practice.practice_name, html)
		self.assertIn("Hudson Valley Home Health", html)
		self.assertIn("(212) 555-0199", html)
		pdf = frappe.get_print("Practice", self.practice.name, "Practice Fax Flyer", as_pdf=True)
		self.assertTrue(pdf.startswith(b"%PDF"))

	def test_the_thank_you_letter_greets_the_doctor_and_names_the_patient_discreetly(self):
		referral = make_referral(
			referring_provider=self.provider.name,
			patient_first_name="Walter",
			patient_last_name="Kowalski",
		)
		html = self.html("Referral", referral.name, "Referral Thank You Letter")
		self.assertIn("Dear Dr. Rivera,", html)
		self.assertIn("Walter K.", html)
		self.assertNotIn("Kowalski", html)
		pdf = frappe.get_print("Referral", referral.name, "Referral Thank You Letter", as_pdf=True)
		self.assertTrue(pdf.startswith(b"%PDF"))

	def test_the_status_sheet_lists_this_offices_patients_with_next_steps(self):
		mine = make_referral(
			referring_provider=self.provider.name, patient_first_name="Walter", patient_last_name="Kowalski"
		)
		move_referral(mine, "Accepted", "Scheduled", start_of_care=add_days(now_datetime(), 2))
		other_practice = make_practice()
		other = make_provider(practices=[other_practice.name])
		make_referral(referring_provider=other.name, patient_first_name="Edna", patient_last_name="Baker")

		html = self.html("Practice", self.practice.name, "Weekly Patient Status")
		self.assertIn("Kowalski, Walter", html)
		self.assertIn("Start of care scheduled for", html)
		self.assertNotIn("Baker", html)

	def test_a_liaison_cannot_print_patients_through_the_status_sheet(self):
		liaison = make_user(["Physician Liaison"])
		zip_code = unique_zip()
		make_territory(zip_codes=[zip_code], members=[(liaison, "Physician Liaison")])
		practice = make_practice(zip_code=zip_code)
		provider = make_provider(practices=[practice.name])
		make_referral(
			referring_provider=provider.name, patient_first_name="Walter", patient_last_name="Kowalski"
		)
		frappe.set_user(liaison)
		self.assertIn(
			practice.practice_name, frappe.get_print("Practice", practice.name, "Practice Fax Flyer")
		)
		with self.assertRaisesRegex(
			(frappe.PermissionError, frappe.PrintFormatError), "patient-status sheet"
		):
			frappe.get_print("Practice", practice.name, "Weekly Patient Status")


class TestPostcardBatch(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		serve_assets_for_pdfs(cls)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_month_of_postcards_goes_to_the_mail_house_once(self):
		territory = make_territory(zip_codes=[unique_zip()])
		zip_code = territory.zip_codes[0].zip_code
		target = make_practice(zip_code=zip_code, address_line1="1 Grand Concourse", city="Bronx")
		no_address = make_practice(zip_code=zip_code)
		refused = make_practice(
			zip_code=zip_code,
			address_line1="2 Grand Concourse",
			account_stage="Do Not Contact",
			do_not_contact_reason="Asked by phone",
		)
		batch = frappe.get_doc(
			{"doctype": "Postcard Batch", "month": frappe.utils.today(), "referral_territory": territory.name}
		).insert()
		self.assertEqual(batch.build_batch(), 1)
		self.assertEqual([r.practice for r in batch.recipients], [target.name])
		self.assertNotIn(no_address.name, [r.practice for r in batch.recipients])
		self.assertNotIn(refused.name, [r.practice for r in batch.recipients])

		batch.send_to_mail_house()
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Postcard Batch", "attached_to_name": batch.name},
			pluck="file_name",
		)
		self.assertEqual(len(files), 2)
		csv_file = frappe.get_doc("File", {"attached_to_name": batch.name, "file_name": ("like", "%.csv")})
		self.assertIn("1 Grand Concourse", csv_file.get_content())
		pdf = frappe.get_doc("File", {"attached_to_name": batch.name, "file_name": ("like", "%.pdf")})
		self.assertTrue(pdf.get_content().startswith(b"%PDF"))
		self.assertEqual(frappe.db.get_value("Visit", batch.recipients[0].visit, "channel"), "Postcard")

		again = frappe.get_doc(
			{"doctype": "Postcard Batch", "month": frappe.utils.today(), "referral_territory": territory.name}
		).insert()
		self.assertEqual(again.build_batch(), 0, "a card a month, not two")
