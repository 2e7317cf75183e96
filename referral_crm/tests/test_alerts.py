from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from referral_crm.core.weeks import last_complete_week
from referral_crm.referral_intelligence.alerts import run_weekly_job, send_monday_digest
from referral_crm.testing import make_practice, make_user, seed_weekly_referrals

HISTORY = 11  # 8 baseline weeks + 3 quiet weeks (the default settings)


class TestWeeklyAlerts(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.delete("Referral Source Alert")
		cls.monday = getdate("2026-11-23")
		cls.last_week = last_complete_week(cls.monday)
		cls.liaison = make_user(["Physician Liaison"])
		cls.coordinator = make_user(["Referral Coordinator"])

		def practice(counts):
			doc = make_practice(liaison=cls.liaison, referral_coordinator=cls.coordinator)
			seed_weekly_referrals(doc.name, counts, cls.last_week)
			return doc

		cls.dropping = practice([12, 12, 12, 11, 13, 12, 12, 14, 11, 12, 2])
		cls.spiking = practice([2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 14])
		cls.quiet = practice([2, 1, 2, 1, 2, 1, 2, 2, 0, 0, 0])
		cls.small = practice([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 6])
		cls.ordinary = practice([3, 2, 3, 2, 4, 3, 3, 2, 4, 4, 2])  # "-50 %" week over week
		cls.created = run_weekly_job(on_day=cls.monday)

	def alerts_for(self, practice):
		return frappe.get_all(
			"Referral Source Alert",
			filters={"source_type": "Practice", "source": practice.name},
			fields=[
				"name",
				"kind",
				"this_week",
				"baseline_mean",
				"p_value",
				"week_start",
				"reason",
				"liaison",
			],
		)

	def test_a_drop_fires_with_its_reasons(self):
		(alert,) = self.alerts_for(self.dropping)
		self.assertEqual(
			(alert.kind, alert.this_week, getdate(alert.week_start)), ("Drop", 2, self.last_week)
		)
		self.assertAlmostEqual(alert.baseline_mean, 12.125)
		self.assertLess(alert.p_value, 0.01)
		self.assertIn("12.1", alert.reason)
		self.assertEqual(alert.liaison, self.liaison)

	def test_spike_and_gone_quiet_fire(self):
		self.assertEqual([a.kind for a in self.alerts_for(self.spiking)], ["Spike"])
		self.assertEqual([a.kind for a in self.alerts_for(self.quiet)], ["Gone Quiet"])

	def test_noise_does_not_fire(self):
		self.assertEqual(self.alerts_for(self.small), [])
		self.assertEqual(self.alerts_for(self.ordinary), [])

	def test_liaison_and_coordinator_get_a_todo_and_a_notification(self):
		(alert,) = self.alerts_for(self.dropping)
		owners = set(
			frappe.get_all(
				"ToDo",
				filters={"reference_type": "Referral Source Alert", "reference_name": alert.name},
				pluck="allocated_to",
			)
		)
		self.assertEqual(owners, {self.liaison, self.coordinator})
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{
					"for_user": self.liaison,
					"document_type": "Referral Source Alert",
					"document_name": alert.name,
				},
			)
		)

	def test_running_again_creates_no_duplicates(self):
		self.assertEqual(run_weekly_job(on_day=self.monday), [])
		# A week later the quiet office is still quiet: its open alert stands, no second one.
		next_week = run_weekly_job(on_day=add_days(self.monday, 7))
		self.assertEqual(len(self.alerts_for(self.quiet)), 1)
		for name in next_week:
			self.assertEqual(
				getdate(frappe.db.get_value("Referral Source Alert", name, "week_start")), self.monday
			)

	def test_monday_digest_lists_each_users_sources(self):
		with patch("referral_crm.referral_intelligence.alerts.frappe.sendmail") as sendmail:
			send_monday_digest()
		sent = {call.kwargs["recipients"][0]: call.kwargs for call in sendmail.call_args_list}
		self.assertTrue({self.liaison, self.coordinator} <= set(sent))
		mail = sent[self.liaison]
		self.assertEqual(mail["template"], "referral_source_digest")
		html = frappe.render_template(
			"referral_crm/templates/emails/referral_source_digest.html", mail["args"]
		)
		self.assertIn(self.dropping.practice_name, html)
		self.assertIn(self.quiet.practice_name, html)
		self.assertIn(self.spiking.practice_name, html)
		self.assertNotIn(self.small.practice_name, html)
		self.assertLess(html.index(self.dropping.practice_name), html.index(self.spiking.practice_name))

	def test_digest_failure_is_logged_not_lost(self):
		with patch(
			"referral_crm.referral_intelligence.alerts.frappe.sendmail",
			side_effect=frappe.OutgoingEmailError("no account"),
		):
			send_monday_digest()
		self.assertTrue(frappe.db.exists("Error Log", {"method": ("like", "%Monday digest%")}))


class TestAlertActions(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_only_managers_may_run_the_job_now(self):
		from referral_crm.referral_intelligence.actions import draft_commission_statements, run_alerts_now

		frappe.set_user(make_user(["Physician Liaison"]))
		self.assertRaises(frappe.PermissionError, run_alerts_now)
		self.assertRaises(frappe.PermissionError, draft_commission_statements, "2026-11-01")
		frappe.set_user(make_user(["Referral Marketing Manager"]))
		with patch("referral_crm.referral_intelligence.actions.frappe.enqueue") as enqueue:
			run_alerts_now()
		self.assertEqual(
			enqueue.call_args.args[0], "referral_crm.referral_intelligence.alerts.run_weekly_job"
		)

	def test_changing_the_week_start_rebuilds_the_weekly_figures(self):
		from referral_crm.referrals.weekly import rebuild_all
		from referral_crm.testing import make_referral

		practice = make_practice()
		make_referral(referring_practice=practice.name, received_at="2026-11-22 10:00")  # a Sunday
		settings = frappe.get_single("Referral CRM Settings")
		settings.week_starts_on = "Sunday"
		try:
			with patch(
				"referral_crm.referral_crm.doctype.referral_crm_settings.referral_crm_settings.frappe.enqueue"
			) as enqueue:
				settings.save()
			self.assertEqual(enqueue.call_args.args[0], "referral_crm.referrals.weekly.rebuild_all")
			rebuild_all()
			weeks = frappe.get_all(
				"Referral Source Week", filters={"source": practice.name}, pluck="week_start"
			)
			self.assertEqual([str(w) for w in weeks], ["2026-11-22"])
		finally:
			settings.week_starts_on = "Monday"
			settings.save()
