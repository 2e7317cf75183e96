"""The morning work list: the offices each person's cadence says to touch today."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime, today

from referral_crm.outreach.worklists import build_daily_work_lists, build_for_user
from referral_crm.testing import make_practice, make_territory, make_user, make_visit, unique_zip


class TestWorkLists(FrappeTestCase):
	def setUp(self):
		self.setter = make_user(["Appointment Setter"])
		self.liaison = make_user(["Physician Liaison"])
		self.zip = unique_zip()
		make_territory(
			zip_codes=[self.zip],
			members=[(self.setter, "Appointment Setter"), (self.liaison, "Physician Liaison")],
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def practice(self, **values):
		return make_practice(
			zip_code=self.zip, phone="+17185550100", fax="+17185550101", address_line1="1 Main St", **values
		)

	def items(self, user):
		name = build_for_user(user)
		return (
			{(row.practice, row.channel) for row in frappe.get_doc("Outreach Work List", name).items}
			if name
			else set()
		)

	def test_the_setter_gets_desk_work_and_the_liaison_the_visits(self):
		target = self.practice()
		referring = self.practice(account_stage="Referring")
		refused = self.practice(account_stage="Do Not Contact", do_not_contact_reason="Asked")
		rested = self.practice()
		make_visit(
			rested.name,
			channel="Phone Call",
			outcome="No Answer",
			visit_datetime=add_days(now_datetime(), -1),
		)

		desk = self.items(self.setter)
		self.assertIn(target.name, {p for p, _c in desk})
		self.assertTrue(all(c in ("Call", "Fax", "Email", "Postcard") for _p, c in desk))
		self.assertNotIn(refused.name, {p for p, _c in desk})
		self.assertNotIn(rested.name, {p for p, _c in desk}, "touched yesterday: it rests")

		self.assertIn((referring.name, "Visit"), self.items(self.liaison))

	def test_the_list_is_the_users_own_and_rebuilding_keeps_what_is_done(self):
		target = self.practice()
		name = build_for_user(self.setter)
		doc = frappe.get_doc("Outreach Work List", name)
		self.assertEqual((doc.owner, str(doc.work_date)), (self.setter, today()))
		row = next(r for r in doc.items if r.practice == target.name)
		row.done = 1
		doc.save()
		self.assertEqual(build_for_user(self.setter), name, "one list a day")
		again = frappe.get_doc("Outreach Work List", name)
		self.assertTrue(next(r for r in again.items if r.practice == target.name).done)

		frappe.set_user(self.liaison)
		self.assertFalse(frappe.has_permission("Outreach Work List", "read", again))

	def test_the_morning_job_builds_a_list_for_everyone_with_offices(self):
		self.practice()
		built = build_daily_work_lists()
		self.assertIn(self.setter, built)
