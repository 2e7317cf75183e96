"""Working a queue: one office at a time, a logged outcome moves on, and the queue resumes where you stopped."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from referral_crm.outreach.queue import get_current_office, log_outcome, skip_office
from referral_crm.testing import make_practice, make_territory, make_user, unique_zip


class TestOutreachQueue(FrappeTestCase):
	def setUp(self):
		self.setter = make_user(["Appointment Setter"])
		self.zip = unique_zip()
		self.territory = make_territory(zip_codes=[self.zip], members=[(self.setter, "Appointment Setter")])
		self.offices = [make_practice(zip_code=self.zip, phone="+17185550100") for _ in range(3)]
		make_practice(zip_code=self.zip, account_stage="Engaged")
		make_practice(zip_code=self.zip, account_stage="Do Not Contact", do_not_contact_reason="Asked")
		self.queue = frappe.get_doc(
			{
				"doctype": "Outreach Queue",
				"queue_name": f"Bronx targets {frappe.generate_hash(length=5)}",
				"action": "Call",
				"referral_territory": self.territory.name,
				"account_stages": "Target",
			}
		).insert()
		frappe.set_user(self.setter)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_log_an_outcome_move_on_and_resume_where_you_stopped(self):
		a, b, c = (o.name for o in self.offices)
		card = get_current_office(self.queue.name)
		self.assertEqual((card["practice"]["name"], card["position"], card["total"]), (a, 1, 3))
		self.assertEqual(card["practice"]["phone"]["dial"], "+17185550100")

		card = log_outcome(
			self.queue.name,
			a,
			"Left Voicemail",
			"Asked for the office manager",
			"Call back",
			add_days(today(), 3),
		)
		self.assertEqual(card["practice"]["name"], b)
		visit = frappe.get_last_doc("Visit", filters={"practice": a})
		self.assertEqual(
			(visit.channel, visit.outcome, visit.user), ("Phone Call", "Left Voicemail", self.setter)
		)
		self.assertTrue(visit.follow_up_todo)

		self.assertEqual(
			get_current_office(self.queue.name)["practice"]["name"], b, "resumes the next day too"
		)
		self.assertEqual(skip_office(self.queue.name, b)["practice"]["name"], c)
		wrapped = skip_office(self.queue.name, c)
		self.assertEqual((wrapped["practice"]["name"], wrapped["wrapped"]), (a, True))

	def test_an_outcome_must_be_chosen_from_the_queues_action(self):
		with self.assertRaises(frappe.ValidationError):
			log_outcome(self.queue.name, self.offices[0].name, "Sent")
		self.assertFalse(frappe.db.exists("Visit", {"practice": self.offices[0].name}))

	def test_a_liaison_of_another_territory_sees_no_office_in_it(self):
		frappe.set_user("Administrator")
		outsider = make_user(["Physician Liaison"])  # liaisons see their own territories only
		make_territory(zip_codes=[unique_zip()], members=[(outsider, "Physician Liaison")])
		frappe.set_user(outsider)
		with self.assertRaises(frappe.PermissionError):  # the queue belongs to a territory they do not hold
			get_current_office(self.queue.name)
