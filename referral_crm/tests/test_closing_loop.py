import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from referral_crm.referrals.closing_loop import escalate_overdue_partner_issues, report_overdue_visit_notes
from referral_crm.testing import (
	make_practice,
	make_referral,
	make_territory,
	make_user,
	move_referral,
)


class TestVisitNoteClock(FrappeTestCase):
	def setUp(self):
		self.coordinator = make_user(["Referral Coordinator"])
		self.practice = make_practice(referral_coordinator=self.coordinator)

	def admitted(self, hours_ago):
		referral = make_referral(referring_practice=self.practice.name)
		move_referral(referral, "Accepted", "Scheduled")
		return move_referral(
			referral, "Admitted", start_of_care=add_to_date(now_datetime(), hours=-hours_ago)
		)

	def test_the_referral_shows_when_the_note_is_due(self):
		referral = self.admitted(hours_ago=10)
		self.assertEqual(referral.visit_note_status, "Due")
		self.assertEqual(referral.visit_note_due_at, add_to_date(referral.start_of_care, hours=48))
		referral.mark_visit_note_sent()
		self.assertEqual(referral.visit_note_status, "Sent on Time")

	def test_overdue_notes_go_to_the_coordinator_once(self):
		late = self.admitted(hours_ago=60)
		on_time = self.admitted(hours_ago=10)
		reported = report_overdue_visit_notes()
		self.assertIn(late.name, reported)
		self.assertNotIn(on_time.name, reported)
		self.assertEqual(frappe.db.get_value("Referral", late.name, "visit_note_status"), "Overdue")
		todos = frappe.get_all(  # (with Healthcare, the patient match may also wait on a ToDo)
			"ToDo",
			filters={
				"reference_type": "Referral",
				"reference_name": late.name,
				"description": ("like", "%is overdue%"),
			},
			pluck="allocated_to",
		)
		self.assertEqual(todos, [self.coordinator])
		self.assertNotIn(late.name, report_overdue_visit_notes())

	def test_a_late_note_is_recorded_as_late(self):
		referral = self.admitted(hours_ago=60)
		referral.mark_visit_note_sent()
		self.assertEqual(referral.visit_note_status, "Sent Late")

	def test_only_writers_may_mark_the_note_sent(self):
		referral = self.admitted(hours_ago=5)
		frappe.set_user(make_user(["Referral Analyst"]))
		try:
			self.assertRaises(
				frappe.PermissionError, frappe.get_doc("Referral", referral.name).mark_visit_note_sent
			)
		finally:
			frappe.set_user("Administrator")


class TestWordOnArrival(FrappeTestCase):
	def test_first_referral_from_a_target_tells_the_liaison_and_the_setter(self):
		liaison, setter = make_user(["Physician Liaison"]), make_user(["Appointment Setter"])
		territory = make_territory(members=[(liaison, "Physician Liaison"), (setter, "Appointment Setter")])
		practice = make_practice(referral_territory=territory.name)
		make_referral(referring_practice=practice.name)

		def told(user):
			return frappe.get_all(
				"Notification Log",
				filters={"for_user": user, "document_type": "Practice", "document_name": practice.name},
				pluck="subject",
			)

		self.assertTrue(any("stop cold outreach" in s for s in told(liaison)))
		self.assertTrue(told(setter))
		make_referral(referring_practice=practice.name)
		self.assertEqual(len(told(liaison)), 1)  # the second referral is no news


class TestPartnerIssue(FrappeTestCase):
	def setUp(self):
		self.owner = make_user(["Referral Coordinator"])
		self.liaison = make_user(["Physician Liaison"])
		self.practice = make_practice(liaison=self.liaison)

	def issue(self, **values):
		return frappe.get_doc(
			{
				"doctype": "Partner Issue",
				"practice": self.practice.name,
				"issue_type": "Referral Pads",
				"description": "Out of referral pads since Monday",
				"assigned_to": self.owner,
				"due_date": add_days(getdate(), 2),
				**values,
			}
		).insert()

	def test_owner_gets_a_todo_closed_when_resolved_and_the_liaison_hears(self):
		issue = self.issue()
		todo = frappe.get_doc("ToDo", issue.todo)
		self.assertEqual(
			(todo.allocated_to, getdate(todo.date), todo.status), (self.owner, issue.due_date, "Open")
		)

		issue.status = "Resolved"
		with self.assertRaises(frappe.ValidationError):
			issue.save()
		issue.reload()
		issue.status = "Resolved"
		issue.resolution = "Fifty pads dropped off Thursday"
		issue.save()
		self.assertEqual(frappe.db.get_value("ToDo", issue.todo, "status"), "Closed")
		self.assertEqual(getdate(issue.resolved_on), getdate())
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": self.liaison, "document_type": "Partner Issue", "document_name": issue.name},
			)
		)

	def test_overdue_issues_are_escalated_once(self):
		manager = make_user(["Referral Marketing Manager"])
		overdue = self.issue(raised_on=add_days(getdate(), -5), due_date=add_days(getdate(), -1))
		current = self.issue()
		escalated = escalate_overdue_partner_issues()
		self.assertIn(overdue.name, escalated)
		self.assertNotIn(current.name, escalated)
		self.assertTrue(frappe.db.get_value("Partner Issue", overdue.name, "escalated"))
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": manager, "document_name": overdue.name})
		)
		self.assertNotIn(overdue.name, escalate_overdue_partner_issues())

	def test_due_date_before_raised_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.issue(due_date=add_days(getdate(), -3))


class TestOfficeNotices(FrappeTestCase):
	def setUp(self):
		self.coordinator = make_user(["Referral Coordinator"])

	def referral(self, email):
		practice = make_practice(referral_coordinator=self.coordinator, email=email)
		return make_referral(
			referring_practice=practice.name, patient_first_name="Rosa", patient_last_name="Diaz"
		)

	def test_not_admitted_is_emailed_to_the_office_and_logged(self):
		from unittest.mock import patch

		referral = self.referral("frontdesk@office.example.com")
		with patch("frappe.core.doctype.communication.email.make", return_value={"name": "COMM-1"}) as make:
			move_referral(referral, "Not Admitted", non_admit_reason="Outside Service Area")
		(call,) = make.call_args_list
		self.assertEqual(call.kwargs["recipients"], "frontdesk@office.example.com")
		self.assertEqual((call.kwargs["doctype"], call.kwargs["name"]), ("Referral", referral.name))
		self.assertIn("Rosa D.", call.kwargs["content"])
		self.assertIn("Outside Service Area", call.kwargs["content"])
		self.assertNotIn("Diaz", call.kwargs["content"])
		self.assertNotIn("Rosa", call.kwargs["subject"])

	def test_no_show_sends_one_notice(self):
		from unittest.mock import patch

		referral = self.referral("frontdesk@office.example.com")
		with patch("frappe.core.doctype.communication.email.make", return_value={"name": "COMM-2"}) as make:
			move_referral(referral, "Not Admitted", non_admit_reason="No-Show", no_show=1)
		self.assertEqual(len(make.call_args_list), 1)
		self.assertIn("did not keep", make.call_args.kwargs["content"])

	def test_an_office_without_email_or_a_failed_send_becomes_a_call_to_make(self):
		from unittest.mock import patch

		no_email = self.referral(None)
		move_referral(no_email, "Not Admitted", non_admit_reason="Patient Declined")
		with patch(
			"frappe.core.doctype.communication.email.make", side_effect=frappe.OutgoingEmailError("down")
		):
			failing = self.referral("office@office.example.com")
			move_referral(failing, "Not Admitted", non_admit_reason="Patient Declined")
		for referral in (no_email, failing):
			todos = frappe.get_all(
				"ToDo",
				filters={"reference_type": "Referral", "reference_name": referral.name},
				pluck="allocated_to",
			)
			self.assertEqual(todos, [self.coordinator], referral.name)
		self.assertTrue(
			frappe.db.exists("Error Log", {"method": f"Notice for referral {failing.name} not sent"})
		)


class TestSendingTheVisitNote(FrappeTestCase):
	def admitted_with_note(self, email="notes@office.example.com"):
		practice = make_practice(email=email, referral_coordinator=make_user(["Referral Coordinator"]))
		referral = make_referral(referring_practice=practice.name)
		move_referral(referral, "Accepted", "Scheduled")
		move_referral(referral, "Admitted", start_of_care=add_to_date(now_datetime(), hours=-5))
		note = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "visit-note.pdf",
				"content": b"%PDF-1.4 note",
				"is_private": 1,
				"attached_to_doctype": "Referral",
				"attached_to_name": referral.name,
			}
		).insert()
		return referral, note

	def test_emailing_the_note_attaches_it_and_stops_the_clock(self):
		from unittest.mock import patch

		referral, note = self.admitted_with_note()
		with patch("frappe.core.doctype.communication.email.make", return_value={"name": "COMM-9"}) as make:
			self.assertEqual(referral.email_visit_note(note.file_url), "COMM-9")
		self.assertEqual(make.call_args.kwargs["attachments"], [{"file_url": note.file_url}])
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "visit_note_status"), "Sent on Time")

	def test_a_failed_send_keeps_the_clock_running_and_tells_the_coordinator(self):
		from unittest.mock import patch

		referral, note = self.admitted_with_note()
		with patch(
			"frappe.core.doctype.communication.email.make", side_effect=frappe.OutgoingEmailError("down")
		):
			self.assertIsNone(referral.email_visit_note(note.file_url))
		self.assertFalse(frappe.db.get_value("Referral", referral.name, "visit_note_sent_at"))
		self.assertTrue(
			frappe.db.exists(
				"ToDo", {"reference_type": "Referral", "reference_name": referral.name, "priority": "High"}
			)
		)

	def test_only_a_file_of_this_referral_can_be_sent(self):
		referral, _note = self.admitted_with_note()
		self.assertRaises(
			frappe.ValidationError, referral.email_visit_note, "/private/files/someone-else.pdf"
		)

	def test_a_direct_address_from_nppes_is_offered_and_used_through_the_agency_direct_account(self):
		from unittest.mock import patch

		from referral_crm.testing import make_email_account, make_provider

		referral, note = self.admitted_with_note()
		self.assertEqual(referral.visit_note_channels(), {"Email": "notes@office.example.com"})

		provider = make_provider(practices=[referral.referring_practice])
		frappe.db.set_value("Provider", provider.name, "direct_address", "dr.ortiz@bronxcare.direct-ci.com")
		referral.db_set("referring_provider", provider.name)
		self.assertEqual(
			set(referral.visit_note_channels()), {"Email"}, "no Direct account: Direct is not offered"
		)
		account = make_email_account(2587)
		frappe.db.set_single_value("Referral CRM Settings", "direct_email_account", account)
		self.assertEqual(
			referral.visit_note_channels(),
			{"Email": "notes@office.example.com", "Direct": "dr.ortiz@bronxcare.direct-ci.com"},
		)
		with patch("frappe.core.doctype.communication.email.make", return_value={"name": "COMM-11"}) as make:
			self.assertEqual(referral.email_visit_note(note.file_url, "Direct"), "COMM-11")
		self.assertEqual(make.call_args.kwargs["recipients"], "dr.ortiz@bronxcare.direct-ci.com")
		self.assertEqual(
			make.call_args.kwargs["sender"], frappe.db.get_value("Email Account", account, "email_id")
		)
		self.assertTrue(frappe.db.get_value("Referral", referral.name, "visit_note_sent_at"))
		self.assertTrue(
			frappe.db.get_value("File", note.name, "shared_with_referring_office"),
			"the office sees it in the portal",
		)
		self.assertRaises(frappe.ValidationError, referral.email_visit_note, note.file_url, "Carrier Pigeon")
