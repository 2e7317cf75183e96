"""Reminders and assignments: the morning email of due follow-ups, round-robin targets per territory."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from referral_crm.outreach.reminders import send_follow_up_reminders
from referral_crm.referral_sources.accounts import rule_name
from referral_crm.testing import (
	make_email_account,
	make_practice,
	make_territory,
	make_user,
	make_visit,
	unique_zip,
)


class TestReminders(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_the_morning_email_lists_due_and_overdue_follow_ups_only(self):
		liaison = make_user(["Physician Liaison"])
		practice = make_practice()
		make_visit(practice.name, user=liaison, follow_up_date=today(), next_step="Bring lunch menu")
		make_visit(
			practice.name,
			user=liaison,
			follow_up_date=add_days(today(), 3),
			next_step="Call the office manager",
		)
		make_email_account(2525, default_outgoing=True)  # queued only: nothing is sent in this test

		sent = send_follow_up_reminders()
		self.assertEqual(sent.get(liaison), 1)
		queue = frappe.get_last_doc(
			"Email Queue", filters={"reference_doctype": "User", "reference_name": liaison}
		)
		message = queue.message
		self.assertIn("Bring lunch menu", message)
		self.assertNotIn("Call the office manager", message)

	def test_new_targets_go_round_robin_to_the_territorys_liaisons(self):
		first, second = make_user(["Physician Liaison"]), make_user(["Physician Liaison"])
		zip_code = unique_zip()
		territory = make_territory(
			zip_codes=[zip_code], members=[(first, "Physician Liaison"), (second, "Physician Liaison")]
		)
		territory.round_robin_targets = 1
		territory.save()
		rule = frappe.get_doc("Assignment Rule", rule_name(territory.name))
		self.assertEqual(sorted(u.user for u in rule.users), sorted([first, second]))

		assigned = []
		for _n in range(4):
			practice = make_practice(zip_code=zip_code)
			assigned.append(frappe.parse_json(frappe.db.get_value("Practice", practice.name, "_assign"))[0])
		self.assertEqual(sorted(set(assigned)), sorted([first, second]))
		self.assertEqual(assigned[0:2], assigned[2:4], "each in turn")

		territory.round_robin_targets = 0
		territory.save()
		self.assertTrue(frappe.db.get_value("Assignment Rule", rule_name(territory.name), "disabled"))
