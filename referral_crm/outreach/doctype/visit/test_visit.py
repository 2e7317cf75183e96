# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from referral_crm.testing import make_practice, make_user, make_visit


class TestVisit(FrappeTestCase):
	def test_saving_a_visit_updates_the_practice_last_contact(self):
		practice = make_practice()
		when = add_to_date(now_datetime(), hours=-2)
		make_visit(
			practice.name,
			visit_datetime=when,
			outcome="Meeting Scheduled",
			next_step="Lunch and learn with Dr. Ortiz",
			follow_up_date=add_days(getdate(), 7),
		)
		practice.reload()
		self.assertEqual(practice.last_contact_date, getdate(when))
		self.assertEqual(practice.last_outcome, "Meeting Scheduled")
		self.assertEqual(practice.next_step, "Lunch and learn with Dr. Ortiz")
		self.assertEqual(practice.next_follow_up, add_days(getdate(), 7))

	def test_a_back_dated_visit_does_not_replace_the_latest(self):
		practice = make_practice()
		make_visit(practice.name, outcome="Referral Promised")
		make_visit(practice.name, outcome="No Answer", visit_datetime=add_days(now_datetime(), -10))
		self.assertEqual(frappe.db.get_value("Practice", practice.name, "last_outcome"), "Referral Promised")

	def test_deleting_the_latest_visit_falls_back_to_the_one_before(self):
		practice = make_practice()
		make_visit(practice.name, outcome="Left Voicemail", visit_datetime=add_days(now_datetime(), -3))
		latest = make_visit(practice.name, outcome="Spoke with Provider")
		latest.delete()
		self.assertEqual(frappe.db.get_value("Practice", practice.name, "last_outcome"), "Left Voicemail")

	def test_follow_up_date_puts_one_todo_on_the_staff_members_list(self):
		liaison = make_user(["Physician Liaison"])
		practice = make_practice()
		follow_up = add_days(getdate(), 3)
		visit = make_visit(
			practice.name, user=liaison, next_step="Bring referral pads", follow_up_date=follow_up
		)

		todo = frappe.get_doc("ToDo", visit.follow_up_todo)
		self.assertEqual((todo.allocated_to, getdate(todo.date), todo.status), (liaison, follow_up, "Open"))
		self.assertEqual((todo.reference_type, todo.reference_name), ("Visit", visit.name))
		self.assertIn("Bring referral pads", todo.description)

		visit.follow_up_date = add_days(getdate(), 5)
		visit.save()
		self.assertEqual(
			frappe.db.count("ToDo", {"reference_type": "Visit", "reference_name": visit.name}), 1
		)
		self.assertEqual(getdate(frappe.db.get_value("ToDo", todo.name, "date")), add_days(getdate(), 5))

		visit.follow_up_date = None
		visit.save()
		self.assertEqual(frappe.db.get_value("ToDo", todo.name, "status"), "Cancelled")

	def test_visit_without_follow_up_makes_no_todo(self):
		visit = make_visit(make_practice().name)
		self.assertFalse(visit.follow_up_todo)
		self.assertFalse(frappe.db.exists("ToDo", {"reference_type": "Visit", "reference_name": visit.name}))

	def test_follow_up_before_the_visit_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_visit(make_practice().name, follow_up_date=add_days(getdate(), -1))

	def test_visit_carries_its_practices_territory(self):
		from referral_crm.testing import make_territory

		territory = make_territory()
		visit = make_visit(make_practice(referral_territory=territory.name).name)
		self.assertEqual(visit.referral_territory, territory.name)
