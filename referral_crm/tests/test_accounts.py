import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from referral_crm.referral_sources.accounts import mark_dormant_accounts
from referral_crm.testing import make_practice, make_referral, make_territory, make_user, make_visit


class TestAccountLifecycle(FrappeTestCase):
	def setUp(self):
		self.setter = make_user(["Appointment Setter"])
		self.liaison = make_user(["Physician Liaison"])
		self.coordinator = make_user(["Referral Coordinator"])
		self.territory = make_territory(
			members=[
				(self.setter, "Appointment Setter"),
				(self.liaison, "Physician Liaison"),
				(self.coordinator, "Referral Coordinator"),
			]
		)
		self.practice = make_practice(referral_territory=self.territory.name)

	def tearDown(self):
		frappe.set_user("Administrator")

	def practice_value(self, field):
		return frappe.db.get_value("Practice", self.practice.name, field)

	def todos(self, user):
		return frappe.get_all(
			"ToDo",
			filters={
				"allocated_to": user,
				"reference_type": "Practice",
				"reference_name": self.practice.name,
			},
			fields=["description", "status"],
		)

	def history(self):
		return frappe.get_all(
			"Account Stage Change",
			filters={"practice": self.practice.name},
			fields=["from_stage", "to_stage", "cause", "caused_by_doctype", "caused_by", "new_owner"],
			order_by="creation",
		)

	def test_owners_come_from_the_territory_and_a_target_belongs_to_the_setter(self):
		self.assertEqual(
			(self.practice.appointment_setter, self.practice.liaison, self.practice.referral_coordinator),
			(self.setter, self.liaison, self.coordinator),
		)
		self.assertEqual((self.practice.account_stage, self.practice.account_owner), ("Target", self.setter))

	def test_setter_reaching_the_office_hands_it_to_the_liaison_with_what_was_said(self):
		frappe.set_user(self.setter)
		visit = make_visit(
			self.practice.name,
			channel="Phone Call",
			outcome="Spoke with Office Staff",
			remarks="Office manager Maria wants a lunch and learn in March",
		)
		frappe.set_user("Administrator")
		self.assertEqual(self.practice_value("account_stage"), "Contacted")
		self.assertEqual(self.practice_value("account_owner"), self.liaison)
		(todo,) = self.todos(self.liaison)
		self.assertIn("lunch and learn in March", todo.description)
		last = self.history()[-1]
		self.assertEqual(
			(last.from_stage, last.to_stage, last.caused_by_doctype, last.caused_by),
			("Target", "Contacted", "Visit", visit.name),
		)

	def test_stages_only_move_forward_on_touches(self):
		make_visit(self.practice.name, channel="In Person", outcome="Spoke with Provider")
		self.assertEqual(self.practice_value("account_stage"), "Engaged")
		make_visit(self.practice.name, channel="Phone Call", outcome="Spoke with Office Staff")
		self.assertEqual(self.practice_value("account_stage"), "Engaged")
		self.assertEqual([h.to_stage for h in self.history()], ["Target", "Engaged"])

	def test_first_referrals_then_the_farmer_gets_the_account_once(self):
		make_referral(referring_practice=self.practice.name)
		self.assertEqual(
			(self.practice_value("account_stage"), self.practice_value("account_owner")),
			("Referring", self.liaison),
		)
		make_referral(referring_practice=self.practice.name)
		make_referral(referring_practice=self.practice.name)
		self.assertEqual(self.practice_value("account_owner"), self.coordinator)
		(todo,) = self.todos(self.coordinator)
		self.assertIn("3 referrals", todo.description)
		make_referral(referring_practice=self.practice.name)
		self.assertEqual(len(self.todos(self.coordinator)), 1)
		self.assertEqual(
			frappe.db.get_value("Referral", {"referring_practice": self.practice.name}, "attributed_liaison"),
			self.liaison,
		)

	def test_dormant_after_silence_and_referring_again(self):
		make_referral(referring_practice=self.practice.name)
		frappe.db.set_value("Practice", self.practice.name, "last_referral_date", add_days(today(), -60))
		mark_dormant_accounts()
		self.assertEqual(self.practice_value("account_stage"), "Dormant")
		make_referral(referring_practice=self.practice.name)
		self.assertEqual(self.practice_value("account_stage"), "Referring")
		self.assertEqual(self.history()[-1].cause, "Referring again")

	def test_do_not_contact_needs_a_person_and_a_reason(self):
		practice = frappe.get_doc("Practice", self.practice.name)
		practice.account_stage = "Do Not Contact"
		with self.assertRaises(frappe.ValidationError):
			practice.save()
		practice.reload()
		practice.account_stage = "Do Not Contact"
		practice.do_not_contact_reason = "Physician asked us to stop faxing"
		practice.save()
		make_visit(self.practice.name, channel="In Person", outcome="Spoke with Provider")
		make_referral(referring_practice=self.practice.name)
		self.assertEqual(self.practice_value("account_stage"), "Do Not Contact")
		self.assertEqual(self.history()[-1].cause, "Changed by hand")

	def test_new_territory_member_takes_the_accounts_and_their_open_todos(self):
		make_visit(
			self.practice.name, outcome="Spoke with Office Staff", channel="Phone Call"
		)  # -> the liaison
		self.assertEqual(len(self.todos(self.liaison)), 1)
		successor = make_user(["Physician Liaison"])
		territory = frappe.get_doc("Referral Territory", self.territory.name)
		for row in territory.members:
			if row.user == self.liaison:
				row.user = successor
		territory.save()
		self.assertEqual(
			(self.practice_value("liaison"), self.practice_value("account_owner")), (successor, successor)
		)
		self.assertEqual(self.todos(self.liaison), [])
		self.assertEqual(len(self.todos(successor)), 1)

	def test_a_team_covers_a_role_no_member_holds(self):
		team_liaison = make_user(["Physician Liaison"])
		team = frappe.get_doc(
			{
				"doctype": "User Group",
				"name": f"Field Team {frappe.generate_hash(length=5)}",
				"referral_team_kind": "Field Liaisons",
				"user_group_members": [{"user": team_liaison}],
			}
		).insert()
		territory = make_territory(members=[(self.setter, "Appointment Setter")])
		territory.append("teams", {"team": team.name})
		territory.save()
		practice = make_practice(referral_territory=territory.name)
		self.assertEqual(practice.liaison, team_liaison)
		make_visit(practice.name, channel="Phone Call", outcome="Meeting Scheduled")
		self.assertEqual(frappe.db.get_value("Practice", practice.name, "account_owner"), team_liaison)
