"""Faxes and emails out of the CRM: delivered, retried with backoff, never lost when the gateway is down.

Every gateway here is local: an SMTP server and an HTTP fax API started by the tests.
"""

import email

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from referral_crm.core.outreach.outbox import MAX_ATTEMPTS
from referral_crm.outreach.outbox import deliver, queue_fax_batch, queue_send, retry_due_sends
from referral_crm.testing import (
	LocalSMTPServer,
	RecordedServer,
	json_answer,
	make_email_account,
	make_practice,
	serve_assets_for_pdfs,
)

SETTINGS = "Referral CRM Settings"
FLYER = "Practice Fax Flyer"


class OutboxCase(FrappeTestCase):
	"""Sends to local gateways, and the clean-up of what the delivery job committed."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		serve_assets_for_pdfs(cls)

	def setUp(self):
		self.practices = []
		self.settings = frappe.db.get_singles_dict(SETTINGS)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		names = [p.name for p in self.practices]
		if names:
			outbound = frappe.get_all("Outbound Document", filters={"practice": ("in", names)}, pluck="name")
			frappe.db.delete(
				"ToDo", {"reference_type": "Outbound Document", "reference_name": ("in", outbound or [""])}
			)
			frappe.db.delete("Outbound Document Attempt", {"parent": ("in", outbound or [""])})
			frappe.db.delete("Outbound Document", {"name": ("in", outbound or [""])})
			frappe.db.delete(
				"Communication", {"reference_doctype": "Practice", "reference_name": ("in", names)}
			)
			frappe.db.delete("Visit", {"practice": ("in", names)})
			frappe.db.delete("Practice", {"name": ("in", names)})
		frappe.db.delete("Email Account", {"email_account_name": ("like", "Test Outgoing %")})
		for key in (
			"collateral_email_account",
			"fax_gateway",
			"fax_email_account",
			"fax_address_pattern",
			"fax_api_url",
			"fax_daily_cap",
		):
			frappe.db.set_single_value(SETTINGS, key, self.settings.get(key))
		frappe.db.commit()

	def practice(self, **values):
		practice = make_practice(fax="+12125550199", email="frontdesk@office.example", **values)
		self.practices.append(practice)
		return practice

	def use(self, **settings):
		frappe.db.set_single_value(SETTINGS, settings)
		frappe.clear_document_cache(SETTINGS, SETTINGS)


class TestOutbox(OutboxCase):
	def test_email_to_fax_delivers_the_pdf_and_logs_a_visit(self):
		practice = self.practice()
		with LocalSMTPServer() as smtp:
			self.use(
				fax_gateway="Email to Fax",
				fax_email_account=make_email_account(smtp.port),
				fax_address_pattern="{number}@fax.test",
			)
			outbound = queue_send("Practice", practice.name, FLYER, "Fax")
			self.assertEqual(outbound.status, "Queued", "queued, not sent while the form waits")
			self.assertEqual(deliver(outbound.name), "Sent")

		self.assertEqual(smtp.messages[0]["to"], ["12125550199@fax.test"])
		message = email.message_from_bytes(smtp.messages[0]["data"])
		pdfs = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
		self.assertTrue(pdfs and pdfs[0].get_payload(decode=True).startswith(b"%PDF"))
		outbound.reload()
		self.assertEqual(
			frappe.db.get_value("Visit", outbound.visit, ["channel", "outcome"]), ("Fax", "Sent")
		)
		self.assertEqual(
			frappe.db.get_value("Communication", outbound.communication, "reference_name"), practice.name
		)

	def test_a_busy_fax_api_is_retried_with_backoff_until_it_takes_the_fax(self):
		practice = self.practice()
		answers = iter([(503, "text/plain", b"all lines busy"), json_answer({"id": "FX-1"})])
		with RecordedServer(lambda request: next(answers)) as api:
			self.use(fax_gateway="HTTP Fax API", fax_api_url=api.url + "/faxes")
			outbound = queue_send("Practice", practice.name, FLYER, "Fax")
			self.assertEqual(deliver(outbound.name), "Queued")
			outbound.reload()
			self.assertIn("503", outbound.last_error)
			self.assertGreater(outbound.next_attempt_at, now_datetime())

			self.assertNotIn(outbound.name, retry_due_sends(), "not before its time")
			frappe.db.set_value(
				"Outbound Document", outbound.name, "next_attempt_at", add_to_date(now_datetime(), minutes=-1)
			)
			self.assertIn(outbound.name, retry_due_sends())
			self.assertEqual(deliver(outbound.name), "Sent")

		outbound.reload()
		self.assertEqual(outbound.provider_reference, "FX-1")
		self.assertEqual([a.result for a in outbound.attempt_log], ["Retry", "Sent"])
		self.assertEqual(api.requests[-1]["path"], "/faxes")
		self.assertIn(b"12125550199", api.requests[-1]["body"])

	def test_nothing_is_lost_when_the_gateway_is_down(self):
		practice = self.practice()
		with RecordedServer(lambda request: json_answer({})) as closed:
			url = closed.url  # nothing listens here once the block ends
		self.use(fax_gateway="HTTP Fax API", fax_api_url=url)
		outbound = queue_send("Practice", practice.name, FLYER, "Fax")
		for _attempt in range(MAX_ATTEMPTS):
			frappe.db.set_value("Outbound Document", outbound.name, "status", "Queued")
			status = deliver(outbound.name)
		self.assertEqual(status, "Failed")
		outbound.reload()
		self.assertEqual(outbound.attempts, MAX_ATTEMPTS)
		self.assertIn("could not be reached", outbound.last_error)
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{"reference_type": "Outbound Document", "reference_name": outbound.name, "status": "Open"},
			),
			"a person is told",
		)
		outbound.resend()
		self.assertEqual((outbound.status, outbound.attempts), ("Queued", 0))

	def test_a_refused_fax_fails_at_once(self):
		practice = self.practice()
		with RecordedServer(lambda request: (400, "text/plain", b"invalid number")) as api:
			self.use(fax_gateway="HTTP Fax API", fax_api_url=api.url)
			outbound = queue_send("Practice", practice.name, FLYER, "Fax")
			self.assertEqual(deliver(outbound.name), "Failed")
		self.assertEqual(len(api.requests), 1)

	def test_a_refusing_mail_server_keeps_the_email_for_a_retry(self):
		practice = self.practice()
		with LocalSMTPServer(refuse=True) as smtp:
			self.use(collateral_email_account=make_email_account(smtp.port))
			outbound = queue_send("Practice", practice.name, FLYER, "Email")
			self.assertEqual(deliver(outbound.name), "Queued")
		self.assertIn("554", frappe.db.get_value("Outbound Document", outbound.name, "last_error"))

	def test_the_morning_batch_stops_at_the_daily_cap(self):
		practices = [self.practice().name for _ in range(3)]
		self.use(
			fax_daily_cap=2
			+ frappe.db.count(
				"Outbound Document", {"channel": "Fax", "creation": (">=", frappe.utils.today())}
			)
		)
		result = queue_fax_batch("Practice", practices, FLYER)
		self.assertEqual(len(result["queued"]), 2)
		self.assertEqual(result["held_back"], practices[2:])


class TestFaxingTheLoopClosed(OutboxCase):
	"""The visit note and the status notice by fax, for offices with no email address."""

	def test_a_faxed_visit_note_stops_the_clock_when_it_goes_through(self):
		from frappe.utils.file_manager import save_file

		from referral_crm.testing import make_provider, make_referral, move_referral

		practice = self.practice()
		provider = make_provider(practices=[practice.name])
		referral = make_referral(referring_provider=provider.name)
		move_referral(referral, "Accepted", "Scheduled", "Admitted", start_of_care=now_datetime())
		note = save_file("visit-note.pdf", b"%PDF-1.4 note", "Referral", referral.name, is_private=1)
		with RecordedServer(lambda request: json_answer({"id": "FX-9"})) as api:
			self.use(fax_gateway="HTTP Fax API", fax_api_url=api.url)
			name = referral.fax_visit_note(note.file_url)
			self.assertFalse(
				frappe.db.get_value("Referral", referral.name, "visit_note_sent_at"), "not before it went"
			)
			self.assertEqual(deliver(name), "Sent")
		self.assertIn(b"%PDF-1.4 note", api.requests[0]["body"])
		self.assertTrue(frappe.db.get_value("Referral", referral.name, "visit_note_sent_at"))
		frappe.db.delete("File", {"name": note.name})
		frappe.db.delete("Referral", {"name": referral.name})
		frappe.db.delete("Provider", {"name": provider.name})
		frappe.db.commit()

	def test_a_not_admitted_notice_goes_by_fax_to_an_office_without_email(self):
		from referral_crm.referrals.closing_loop import notify_referring_office
		from referral_crm.testing import make_provider, make_referral

		practice = make_practice(fax="+12125550199")
		self.practices.append(practice)
		provider = make_provider(practices=[practice.name])
		referral = make_referral(referring_provider=provider.name)
		name = notify_referring_office(referral, "not admitted")
		outbound = frappe.get_doc("Outbound Document", name)
		self.assertEqual(
			(outbound.channel, outbound.purpose, outbound.fax_number),
			("Fax", "Status Notice", "+12125550199"),
		)
		self.assertNotIn(referral.patient_last_name, outbound.subject, "no patient name in a subject line")
