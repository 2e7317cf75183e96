"""The login policy from settings: applied, kept applied for users added later, and checked on each request."""

from datetime import timedelta

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime
from frappe.utils.file_manager import save_file

from referral_crm.compliance.security import TWO_FACTOR_BEFORE
from referral_crm.testing import make_email_account, make_referral, make_user

SETTINGS = "Referral CRM Settings"


def readiness() -> dict[str, str]:
	from referral_crm.compliance.report.hipaa_readiness.hipaa_readiness import execute

	return {row["safeguard"]: row["status"] for row in execute()[1]}


class TestSecurityPolicy(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.clear_cache()  # settings cached while the policy was on

	def apply(self, **values):
		settings = frappe.get_single(SETTINGS)
		settings.update({"apply_security_policy": 1, **values})
		settings.save()

	def test_the_readiness_report_lists_the_gaps_then_shows_them_met_once_the_policy_is_applied(self):
		frappe.db.set_single_value("System Settings", {"login_with_email_link": 1, "attach_view_link": 1})
		frappe.db.set_single_value(SETTINGS, "apply_security_policy", 0)
		frappe.clear_cache()
		before = readiness()
		policy_rows = [
			"Two-factor login for everyone holding patient data",
			"Login by email link off (it skips two-factor)",
			"Automatic logoff after 30 idle minutes",
			"Sessions end 12 hours after login",
			"Password strength and lockout after failed logins",
			"No unauthenticated document links in outgoing email",
			"Error tracebacks hidden from users",
			"Office hours and allowed addresses on every user with patient data",
			"Audit logs kept 2190 days",
		]
		for row in policy_rows[1:4]:
			self.assertEqual(before[row], "Not Met", row)
		self.assertEqual(before["No method of this app open to guests"], "Met")
		self.assertEqual(before["Referral names carry no patient data"], "Met")

		make_email_account(2525, default_outgoing=True)  # two-factor enrolment is emailed
		self.apply(office_hours_from=7, office_hours_to=19, allowed_ip_ranges="10.20., 192.168.1.")
		frappe.clear_cache()
		after = readiness()
		for row in policy_rows:
			self.assertEqual(after[row], "Met", row)
		system = frappe.get_single("System Settings")
		self.assertEqual((system.login_with_email_link, system.attach_view_link), (0, 0))
		self.assertEqual(system.session_expiry, "00:30")
		self.assertEqual(frappe.db.get_value("Role", "Intake Coordinator", "two_factor_auth"), 1)
		retention = {r.ref_doctype: r.days for r in frappe.get_single("Log Settings").logs_to_clear}
		self.assertEqual(retention["PHI Access Log"], 2190)
		self.assertGreaterEqual(retention.get("Activity Log", 2190), 2190)

	def test_without_outgoing_email_the_policy_leaves_two_factor_off_and_says_so(self):
		frappe.db.set_value("Email Account", {"default_outgoing": 1}, "default_outgoing", 0)
		if frappe.conf.get("mail_server"):
			self.skipTest("this site sends mail through its config")
		frappe.local.message_log = []
		self.apply()
		self.assertEqual(frappe.db.get_value("Role", "Intake Coordinator", "two_factor_auth"), 0)
		self.assertIn("no outgoing email account", frappe.as_json(frappe.local.message_log))
		self.assertEqual(
			readiness()[
				"An outgoing email account (two-factor enrolment, notices and visit notes go by email)"
			],
			"Not Met",
		)
		make_email_account(2526, default_outgoing=True)
		self.apply()
		self.assertEqual(frappe.db.get_value("Role", "Intake Coordinator", "two_factor_auth"), 1)

	def test_a_user_given_a_phi_role_later_gets_the_office_hours_and_addresses(self):
		self.apply(office_hours_from=7, office_hours_to=19, allowed_ip_ranges="10.20.")
		liaison = frappe.get_doc("User", make_user(["Physician Liaison"]))
		self.assertFalse(liaison.restrict_ip, "a liaison reads no patient data")
		liaison.add_roles("Intake Coordinator")
		liaison.reload()
		self.assertEqual((liaison.restrict_ip, liaison.login_after, liaison.login_before), ("10.20.", 7, 19))

	def test_a_session_ends_at_its_lifetime_however_busy(self):
		from referral_crm.compliance.security import end_old_session

		self.apply(session_lifetime_hours=12)
		user = make_user(["Intake Coordinator"])
		logged_out = []
		frappe.local.login_manager = frappe._dict(logout=lambda: logged_out.append(True))
		frappe.session.data = frappe._dict(started_at=str(now_datetime() - timedelta(hours=11)))
		end_old_session(user)
		self.assertFalse(logged_out)
		frappe.session.data = frappe._dict(started_at=str(now_datetime() - timedelta(hours=13)))
		with self.assertRaises(frappe.SessionExpired):
			end_old_session(user)
		self.assertEqual(logged_out, [True])

	def test_bad_policy_values_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.apply(office_hours_from=19, office_hours_to=7)
		with self.assertRaises(frappe.ValidationError):
			self.apply(allowed_ip_ranges="10.0.0.1; drop table")

	def test_a_referral_file_is_never_public(self):
		referral = make_referral()
		content = f"%PDF-1.4 {frappe.generate_hash()}".encode()
		with self.assertRaises(frappe.ValidationError):
			save_file("orders.pdf", content, "Referral", referral.name, is_private=0)
		self.assertFalse(frappe.db.exists("File", {"attached_to_name": referral.name, "is_private": 0}))
		file = save_file("orders.pdf", content, "Referral", referral.name, is_private=1)
		self.assertTrue(file.file_url.startswith("/private/files/"))


class TestTwoFactorStaysWithItsRoles(FrappeTestCase):
	"""Frappe's System Settings marks role All for two factors on every save while two-factor is on."""

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.clear_cache()

	def save_system_settings(self, **values):
		system = frappe.get_single("System Settings")
		system.update(values)
		system.flags.ignore_mandatory = True
		system.save()

	def test_a_save_of_system_settings_changes_no_other_login(self):
		from frappe.twofactor import two_factor_is_enabled

		self.assertTrue(frappe.db.get_single_value("System Settings", "enable_two_factor_auth"))
		accountant = make_user(["Accounts User"] if frappe.db.exists("Role", "Accounts User") else [])
		portal = make_user(["Referring Office"])
		self.save_system_settings(session_expiry="06:00")
		self.assertEqual(frappe.db.get_value("Role", "All", "two_factor_auth"), 0)
		self.assertFalse(two_factor_is_enabled(accountant), "outside the app's roles: login as before")
		self.assertTrue(two_factor_is_enabled(portal))
		self.save_system_settings(country="United States")  # as the setup wizard does
		self.assertFalse(two_factor_is_enabled(accountant))

	def test_a_person_turning_two_factor_on_for_everyone_is_respected(self):
		frappe.db.set_single_value("System Settings", "enable_two_factor_auth", 0)
		self.save_system_settings(enable_two_factor_auth=1)
		self.assertEqual(frappe.db.get_value("Role", "All", "two_factor_auth"), 1)
		self.save_system_settings(session_expiry="05:00")
		self.assertEqual(frappe.db.get_value("Role", "All", "two_factor_auth"), 1, "their choice is kept")
		self.assertEqual(frappe.parse_json(frappe.db.get_default(TWO_FACTOR_BEFORE))["all"], 1)


class TestDisabledAPIUser(FrappeAPITestCase):
	def test_a_disabled_users_key_is_refused(self):
		user = make_user(["Intake Coordinator"])
		doc = frappe.get_doc("User", user)
		key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		doc.api_key, doc.api_secret = key, secret
		doc.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			headers = {"Authorization": f"token {key}:{secret}"}
			path = "/api/method/frappe.auth.get_logged_user"
			self.assertEqual(self.get(path, headers=headers).status_code, 200)
			frappe.db.set_value("User", user, "enabled", 0)
			frappe.db.commit()
			response = self.get(path, headers=headers)
			self.assertEqual(response.status_code, 401)
			self.assertNotIn(user.encode(), response.data.split(b"_server_messages")[0])
		finally:
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
			frappe.db.commit()
