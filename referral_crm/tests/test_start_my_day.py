"""Start my day: each role's list is built from what is due, the next action first, the same tomorrow
when nothing was done, and shorter once work is logged."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime, today

from referral_crm.core.field.my_day import MAX_STOPS
from referral_crm.core.referral_intelligence.duties import order_duties
from referral_crm.field.my_day import build_my_day, replan_my_day
from referral_crm.outreach.queue import get_current_office, log_outcome, start_todays_calls
from referral_crm.referral_intelligence.duties import (
	coordinator_duties,
	get_my_duties,
	intake_duties,
	manager_duties,
	setter_duties,
)
from referral_crm.testing import make_practice, make_referral, make_user, make_visit

TODAY = getdate(today())


def placed_practice(i: int, **values):
	"""An office the route planner can place: around midtown Manhattan."""
	return make_practice(latitude=40.75 + i * 0.004, longitude=-73.99 + (i % 3) * 0.004, **values)


def work_list(user: str, day, items: list[tuple[str, str]]) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Outreach Work List",
				"user": user,
				"work_date": day,
				"item_count": len(items),
				"items": [
					{"practice": p, "channel": channel, "reason": "cadence due"} for p, channel in items
				],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestLiaisonDay(FrappeTestCase):
	def setUp(self):
		self.liaison = make_user(["Physician Liaison"])
		self.offices = [placed_practice(i) for i in range(MAX_STOPS + 3)]

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_the_day_is_built_from_what_is_due_most_pressing_first_and_the_rest_rolls_over(self):
		setter = make_user(["Appointment Setter"])
		frappe.db.set_value("Practice", self.offices[0].name, "liaison", self.liaison)
		met = make_visit(  # booked by the setter, at an office of the liaison's
			self.offices[0].name,
			user=setter,
			channel="Phone Call",
			outcome="Meeting Scheduled",
			next_step="Lunch with Dr. Ortiz",
			follow_up_date=TODAY,
			meeting_time="12:30:00",
			visit_datetime=add_days(now_datetime(), -3),
		)
		make_visit(
			self.offices[1].name,
			user=self.liaison,
			next_step="Bring referral pads",
			follow_up_date=add_days(TODAY, -2),
			visit_datetime=add_days(now_datetime(), -5),
		)
		work_list(
			self.liaison,
			TODAY,
			[(o.name, "Visit") for o in self.offices[2:]] + [(self.offices[0].name, "Call")],
		)

		plan = frappe.get_doc("Route Plan", build_my_day(self.liaison, TODAY))

		reasons = {row.practice: row.reason for row in plan.stops}
		self.assertEqual(len(plan.stops), MAX_STOPS)
		self.assertEqual(reasons[met.practice], "Meeting: Lunch with Dr. Ortiz")
		meeting = next(row for row in plan.stops if row.practice == met.practice)
		self.assertEqual(meeting.appointment_time, "12:30", "the booked time is kept on the route")
		self.assertLessEqual(meeting.late_minutes or 0, 0)
		self.assertTrue(reasons[self.offices[1].name].startswith("Follow-up due: Bring referral pads"))
		rolled = [line.split(": ")[0] for line in plan.rolled_over.splitlines()]
		self.assertEqual(len(rolled), len(self.offices) - MAX_STOPS)
		self.assertEqual(
			{row.practice for row in plan.stops} | set(rolled), {o.name for o in self.offices}, "none dropped"
		)
		self.assertEqual(build_my_day(self.liaison, TODAY), plan.name, "a plan made is kept")

	def test_tomorrow_starts_with_what_was_not_reached_and_what_rolled_over(self):
		work_list(self.liaison, TODAY, [(o.name, "Visit") for o in self.offices])
		plan = frappe.get_doc("Route Plan", build_my_day(self.liaison, TODAY))
		visited = plan.stops[0].practice
		make_visit(visited, user=self.liaison)
		tomorrow = add_days(TODAY, 1)

		nxt = frappe.get_doc("Route Plan", build_my_day(self.liaison, tomorrow))

		carried = {row.practice for row in nxt.stops} | {
			line.split(": ")[0] for line in (nxt.rolled_over or "").splitlines()
		}
		self.assertEqual(carried, {o.name for o in self.offices} - {visited})
		self.assertTrue(all(row.reason.startswith("Carried over") for row in nxt.stops))

	def test_re_planning_takes_visited_offices_off_and_adds_a_follow_up_due_today(self):
		work_list(self.liaison, TODAY, [(o.name, "Visit") for o in self.offices[:3]])
		build_my_day(self.liaison, TODAY)
		make_visit(self.offices[0].name, user=self.liaison)
		make_visit(
			self.offices[5].name,
			user=self.liaison,
			next_step="Drop off the flyer",
			follow_up_date=TODAY,
			visit_datetime=add_days(now_datetime(), -7),
		)
		frappe.set_user(self.liaison)
		frappe.local.conf.throttle_user_limit = 10**6
		self.assertEqual(replan_my_day()["stops"], 3)
		frappe.set_user("Administrator")
		plan = frappe.get_doc("Route Plan", {"user": self.liaison, "route_date": TODAY})
		self.assertEqual(
			{row.practice for row in plan.stops},
			{self.offices[1].name, self.offices[2].name, self.offices[5].name},
		)

	def test_a_visit_answers_the_follow_ups_due_there(self):
		earlier = make_visit(
			self.offices[0].name,
			user=self.liaison,
			follow_up_date=add_days(TODAY, -1),
			visit_datetime=add_days(now_datetime(), -4),
		)
		self.assertEqual(frappe.db.get_value("ToDo", earlier.follow_up_todo, "status"), "Open")
		make_visit(self.offices[0].name, user=self.liaison)
		self.assertEqual(frappe.db.get_value("ToDo", earlier.follow_up_todo, "status"), "Closed")


class TestSetterDay(FrappeTestCase):
	def setUp(self):
		self.setter = make_user(["Appointment Setter"])
		self.offices = [
			placed_practice(i, appointment_setter=self.setter, account_stage=stage)
			for i, stage in enumerate(("Target", "Referring", "Engaged"))
		]
		self.list = work_list(self.setter, TODAY, [(o.name, "Call") for o in self.offices])

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_start_calling_opens_today_s_calls_as_a_queue_that_resumes_and_shrinks(self):
		(duty,) = setter_duties(self.setter, TODAY)
		self.assertEqual(duty.title, "Start calling: 3 calls on today's list")
		frappe.set_user(self.setter)
		queue = start_todays_calls()
		self.assertEqual(start_todays_calls(), queue, "one queue per caller, reused")
		self.assertEqual(get_current_office(queue)["total"], 3, "every stage on the list, not only targets")
		first = get_current_office(queue)["practice"]["name"]
		self.assertIn(first, {o.name for o in self.offices})
		after = log_outcome(queue, first, outcome="Left Voicemail")
		frappe.set_user("Administrator")
		self.assertNotEqual(after["practice"]["name"], first)
		done = frappe.db.get_value(
			"Outreach Work List Item", {"parent": self.list, "practice": first}, "done"
		)
		self.assertEqual(done, 1, "the call is ticked off the work list")
		(duty,) = setter_duties(self.setter, TODAY)
		self.assertEqual(duty.title, "Start calling: 2 calls on today's list")


class TestDeskDuties(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_intake_sees_referrals_waiting_oldest_first_with_what_each_lacks(self):
		old = make_referral(received_at=add_to_date(now_datetime(), days=-2), patient_phone="2125550100")
		new = make_referral(diagnosis="")
		intake = make_user(["Intake Coordinator"])
		duties = [d for d in intake_duties(intake, TODAY) if d.route[-1] in (old.name, new.name)]
		self.assertEqual([d.route[-1] for d in duties], [old.name, new.name])
		self.assertIn("the insurance", duties[0].extra["missing"])
		self.assertNotIn("the patient's phone", duties[0].extra["missing"])
		self.assertIn("the diagnosis", duties[1].extra["missing"])
		self.assertIn("the face sheet or referral packet", duties[1].extra["missing"])

	def test_the_coordinator_s_list_holds_until_the_work_is_done(self):
		coordinator = make_user(["Referral Coordinator"])
		office = placed_practice(1, referral_coordinator=coordinator)
		alert = frappe.get_doc(
			{
				"doctype": "Referral Source Alert",
				"kind": "Drop",
				"source_type": "Practice",
				"source": office.name,
				"source_name": office.practice_name,
				"week_start": add_days(TODAY, -7),
				"status": "Open",
				"this_week": 0,
				"baseline_mean": 4.5,
				"referral_coordinator": coordinator,
			}
		).insert(ignore_permissions=True)
		issue = frappe.get_doc(
			{
				"doctype": "Partner Issue",
				"practice": office.name,
				"issue_type": "Referral Pads",
				"assigned_to": coordinator,
				"raised_on": add_days(TODAY, -5),
				"due_date": add_days(TODAY, -1),
				"description": "Out of pads",
			}
		).insert(ignore_permissions=True)
		titles = lambda day: [  # noqa: E731
			d.route[-1]
			for d in order_duties(coordinator_duties(coordinator, day), day)
			if d.route[-1] in (issue.name, alert.name)
		]
		self.assertEqual(titles(TODAY)[:2], [issue.name, alert.name], "the late issue first")
		self.assertEqual(titles(add_days(TODAY, 1))[:2], [issue.name, alert.name], "the same tomorrow")
		frappe.db.set_value("Referral Source Alert", alert.name, "status", "Closed")
		frappe.db.set_value("Partner Issue", issue.name, "status", "Resolved")
		self.assertNotIn(alert.name, titles(TODAY))
		self.assertNotIn(issue.name, titles(TODAY))

	def test_the_manager_sees_overdue_work_by_person(self):
		liaison = make_user(["Physician Liaison"])
		office = placed_practice(2)
		for days in (3, 9):
			make_visit(
				office.name,
				user=liaison,
				follow_up_date=add_days(TODAY, -days),
				visit_datetime=add_days(now_datetime(), -days - 1),
			)
		manager = make_user(["Referral Marketing Manager"])
		mine = [
			d
			for d in manager_duties(manager, TODAY)
			if d.kind == "overdue" and d.extra["route_options"]["user"] == liaison
		]
		self.assertEqual(len(mine), 1)
		self.assertIn(": 2 overdue", mine[0].title)
		self.assertEqual(mine[0].due, add_days(TODAY, -9))

	def test_each_person_gets_only_their_own_roles_lists(self):
		intake = make_user(["Intake Coordinator"])
		frappe.set_user(intake)
		self.assertEqual([s["role"] for s in get_my_duties()], ["Intake Coordinator"])
		frappe.set_user(make_user(["Referral Analyst"]))
		self.assertEqual(get_my_duties(), [])
