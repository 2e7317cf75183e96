import json

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime

from referral_crm.testing import make_practice, make_referral, make_user, make_visit, move_referral


class TestWorkspace(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def count(self, card_name):
		card = frappe.get_doc("Number Card", card_name)
		filters = json.loads(card.filters_json)
		for doctype, field, operator, value in json.loads(card.dynamic_filters_json or "[]"):
			assert value == "frappe.datetime.get_today()"
			filters.append([doctype, field, operator, str(getdate())])
		return get_result(card, filters)

	def test_number_cards_count_this_weeks_work(self):
		before = {
			name: self.count(name)
			for name in ("Referrals This Week", "Admissions This Week", "Practices Contacted This Week")
		}
		practice = make_practice()
		make_visit(practice.name)
		referral = make_referral(referring_practice=practice.name)
		move_referral(referral, "Accepted", "Scheduled", "Admitted")
		make_referral(referring_practice=practice.name, received_at=add_days(getdate(), -30))

		self.assertEqual(self.count("Referrals This Week"), before["Referrals This Week"] + 1)
		self.assertEqual(self.count("Admissions This Week"), before["Admissions This Week"] + 1)
		self.assertEqual(
			self.count("Practices Contacted This Week"), before["Practices Contacted This Week"] + 1
		)

	def test_overdue_follow_ups_counts_the_users_late_todos(self):
		liaison = make_user(["Physician Liaison"])
		visit = make_visit(make_practice().name, user=liaison, follow_up_date=getdate())
		frappe.db.set_value("ToDo", visit.follow_up_todo, "date", add_days(getdate(), -2))
		frappe.set_user(liaison)
		self.assertEqual(self.count("Overdue Follow-ups"), 1)

	def test_workspace_and_chart_load(self):
		workspace = frappe.get_doc("Workspace", "Referral CRM")
		self.assertEqual(
			{c.number_card_name for c in workspace.number_cards},
			{
				"Referrals This Week",
				"Admissions This Week",
				"Practices Contacted This Week",
				"Overdue Follow-ups",
			},
		)
		from frappe.desk.doctype.dashboard_chart.dashboard_chart import get

		make_referral()
		result = get(chart_name="Weekly Referrals", refresh=1)
		self.assertGreaterEqual(sum(result["datasets"][0]["values"]), 1)


from referral_crm.roles import ROLE_WORKSPACES  # noqa: E402


class TestRoleWorkspaces(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_user_given_a_role_lands_on_its_workspace(self):
		for role, workspace in ROLE_WORKSPACES.items():
			user = make_user([role])
			self.assertEqual(frappe.db.get_value("User", user, "default_workspace"), workspace, role)
		both = make_user(["Physician Liaison", "Referral Marketing Manager"])
		self.assertEqual(frappe.db.get_value("User", both, "default_workspace"), "Referral CRM")
		chosen = frappe.get_doc("User", both)
		chosen.default_workspace = "Referral Liaison"
		chosen.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("User", both, "default_workspace"), "Referral Liaison")

	def test_each_role_lands_on_its_own_workspace_with_only_its_cards(self):
		from frappe.desk.desktop import get_desktop_page, get_workspace_sidebar_items

		ours = set(ROLE_WORKSPACES.values())
		for role, workspace in ROLE_WORKSPACES.items():
			frappe.set_user(make_user([role]))
			pages = [p.name for p in get_workspace_sidebar_items()["pages"]]
			self.assertEqual([p for p in pages if p in ours], [workspace], role)
			page = get_desktop_page(json.dumps({"name": workspace, "title": workspace, "public": 1}))
			cards = [c.number_card_name for c in page["number_cards"]["items"]]
			expected = [c.number_card_name for c in frappe.get_doc("Workspace", workspace).number_cards]
			self.assertEqual(cards, expected, role)
			for name in cards:
				self.assertIsNotNone(self.count(name), name)

	def count(self, card_name):
		card = frappe.get_doc("Number Card", card_name)
		filters = json.loads(card.filters_json)
		values = {
			"frappe.session.user": frappe.session.user,
			"frappe.datetime.get_today()": str(getdate()),
			"frappe.datetime.add_days(frappe.datetime.now_datetime(), -2)": str(add_days(now_datetime(), -2)),
		}
		for doctype, field, operator, value in json.loads(card.dynamic_filters_json or "[]"):
			filters.append([doctype, field, operator, values[value]])
		return get_result(card, filters)

	def test_liaison_cards_count_their_own_work(self):
		liaison = make_user(["Physician Liaison"])
		practice = make_practice(liaison=liaison)
		make_visit(practice.name, user=liaison, follow_up_date=getdate())
		frappe.set_user(liaison)
		self.assertEqual(self.count("Follow-ups Due"), 1)
		self.assertEqual(self.count("My Accounts"), 1)


class TestRoleListColumns(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_boot_carries_the_columns_of_the_users_role(self):
		from referral_crm.boot import extend_bootinfo

		frappe.set_user(make_user(["Appointment Setter"]))
		boot = frappe._dict()
		extend_bootinfo(boot)
		self.assertEqual(boot.referral_crm_list_columns["Practice"][:2], ("account_stage", "phone"))
		self.assertNotIn("Referral", boot.referral_crm_list_columns)

		frappe.set_user(make_user(["Referral Marketing Manager", "Physician Liaison"]))
		boot = frappe._dict()
		extend_bootinfo(boot)
		self.assertEqual(boot.referral_crm_list_columns, {})
