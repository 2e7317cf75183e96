"""The referring office's portal: its own referrals only, documents of its own referrals only, every look logged."""

import base64

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.file_manager import save_file

from referral_crm.referrals.closing_loop import share_with_office
from referral_crm.referrals.portal import get_file, get_my_referrals, submit_referral
from referral_crm.testing import make_office_user, make_practice, make_provider, make_referral


class TestPortal(FrappeTestCase):
	def setUp(self):
		self.ours, self.theirs = make_practice(), make_practice()
		self.ours_provider = make_provider(practices=[self.ours.name])
		self.theirs_provider = make_provider(practices=[self.theirs.name])
		self.mine = make_referral(referring_provider=self.ours_provider.name, patient_last_name="Kowalski")
		self.other = make_referral(referring_provider=self.theirs_provider.name, patient_last_name="Baker")
		# contents unique to the run: Frappe shares one stored file among identical uploads
		self.note_pdf, self.other_pdf = (
			f"%PDF-1.4 {w} {frappe.generate_hash()}".encode() for w in ("note", "other")
		)
		self.note = save_file("visit-note.pdf", self.note_pdf, "Referral", self.mine.name, is_private=1)
		self.other_note = save_file(
			"visit-note.pdf", self.other_pdf, "Referral", self.other.name, is_private=1
		)
		for referral, note in ((self.mine, self.note), (self.other, self.other_note)):
			share_with_office(referral, note.file_url)
		# The intake fax with another doctor's notes stays with the agency.
		self.intake_fax = save_file(
			"intake-fax.pdf",
			f"%PDF-1.4 fax {frappe.generate_hash()}".encode(),
			"Referral",
			self.mine.name,
			is_private=1,
		)
		self.user = make_office_user(self.ours.name)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_an_office_sees_its_own_referrals_and_nothing_of_another_office(self):
		frappe.set_user(self.user)
		rows = get_my_referrals()
		self.assertEqual([r.name for r in rows], [self.mine.name])
		self.assertEqual([f["name"] for f in rows[0].files], [self.note.name], "only what was shared")
		self.assertFalse(
			frappe.has_permission("Referral", "read", self.mine.name), "no desk access to the CRM itself"
		)

		get_file(self.mine.name, self.note.name)
		self.assertEqual(frappe.local.response.filecontent, self.note_pdf)
		with self.assertRaises(frappe.PermissionError):
			get_file(self.mine.name, self.intake_fax.name)
		with self.assertRaises(frappe.PermissionError):
			get_file(self.other.name, self.other_note.name)
		with self.assertRaises(frappe.PermissionError):
			get_file(self.mine.name, self.other_note.name)  # another referral's file through our referral

		frappe.set_user("Administrator")
		logs = frappe.get_all(
			"PHI Access Log", filters={"user": self.user, "channel": "Portal"}, fields=["records", "request"]
		)
		self.assertIn({"records": self.mine.name, "request": "list of the office's referrals"}, logs)
		self.assertIn({"records": self.mine.name, "request": f"download {self.note.file_name}"}, logs)

	def test_an_office_sends_a_referral_with_its_form(self):
		frappe.set_user(self.user)
		name = submit_referral(
			"Walter",
			"Nowak",
			"1941-03-09",
			diagnosis="CHF",
			file_name="face-sheet.pdf",
			file_base64=base64.b64encode(b"%PDF-1.4 face sheet").decode(),
		)
		frappe.set_user("Administrator")
		referral = frappe.get_doc("Referral", name)
		self.assertEqual(
			(referral.channel, referral.referring_practice, referral.patient_last_name),
			("Referral Portal", self.ours.name, "Nowak"),
		)
		attached = frappe.get_all(
			"File", filters={"attached_to_name": name}, fields=["file_name", "is_private"]
		)
		self.assertEqual(len(attached), 1)
		self.assertTrue(attached[0].file_name.startswith("face-sheet") and attached[0].is_private)
		with self.assertRaises(frappe.PermissionError):
			frappe.set_user(self.user)
			submit_referral("A", "B", "1950-01-01", practice=self.theirs.name)

	def test_staff_and_strangers_get_nothing(self):
		from referral_crm.testing import make_user

		for user in (make_user(["Physician Liaison"]), "Guest"):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				get_my_referrals()
			frappe.set_user("Administrator")

	def test_a_coordinator_gives_an_office_contact_the_portal(self):
		from referral_crm.referrals.portal import give_portal_access, office_practices
		from referral_crm.testing import make_user

		email = f"nurse-{frappe.generate_hash(length=6)}@office.example"
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Nina",
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Practice", "link_name": self.ours.name}],
			}
		).insert()
		frappe.set_user(make_user(["Referral Coordinator"]))
		user = give_portal_access(contact.name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("User", user, "user_type"), "Website User")
		self.assertEqual(office_practices(user), [self.ours.name])
		frappe.set_user(make_user(["Physician Liaison"]))
		with self.assertRaises(frappe.PermissionError):
			give_portal_access(contact.name)

	def test_the_portal_role_needs_a_second_factor(self):
		from frappe.twofactor import two_factor_is_enabled_for_

		self.assertTrue(frappe.db.get_single_value("System Settings", "enable_two_factor_auth"))
		self.assertTrue(two_factor_is_enabled_for_(self.user))


from frappe.tests.test_api import FrappeAPITestCase  # noqa: E402


class TestPortalOverHTTP(FrappeAPITestCase):
	"""An office's API key asking for another office's referral file gets a 403, by URL."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.ours, cls.theirs = make_practice(), make_practice()
		theirs_provider = make_provider(practices=[cls.theirs.name])
		cls.other = make_referral(referring_provider=theirs_provider.name)
		cls.other_note = save_file(
			"visit-note.pdf",
			f"%PDF-1.4 other {frappe.generate_hash()}".encode(),
			"Referral",
			cls.other.name,
			is_private=1,
		)
		cls.user = make_office_user(cls.ours.name)
		user = frappe.get_doc("User", cls.user)
		cls.key, cls.secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		user.api_key, user.api_secret = cls.key, cls.secret
		user.save(ignore_permissions=True)
		frappe.db.commit()  # the requests run on their own connection

	@classmethod
	def tearDownClass(cls):
		frappe.delete_doc("File", cls.other_note.name, force=True, ignore_permissions=True)
		for contact in frappe.get_all("Contact", filters={"user": cls.user}, pluck="name"):
			frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
		frappe.delete_doc("User", cls.user, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_another_offices_file_by_url_is_forbidden(self):
		headers = {"Authorization": f"token {self.key}:{self.secret}"}
		url = f"/api/method/referral_crm.referrals.portal.get_file?referral={self.other.name}&file={self.other_note.name}"
		response = self.get(url, headers=headers)
		self.assertEqual(response.status_code, 403)
		self.assertNotIn(b"%PDF", response.data)
		listing = self.get("/api/method/referral_crm.referrals.portal.get_my_referrals", headers=headers)
		self.assertEqual(listing.status_code, 200)
		self.assertNotIn(self.other.name, listing.get_data(as_text=True))
