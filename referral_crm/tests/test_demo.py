import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.demo import build


class TestDemo(FrappeTestCase):
	def test_a_small_demo_agency_is_complete_and_consistent(self):
		if frappe.db.exists("Practice", "PRAC-D00001"):
			self.skipTest("this site already holds the demo agency")
		frappe.local.conf.throttle_user_limit = 10**6  # the suite makes more than Frappe's 60 users an hour
		summary = build(
			practices=80, providers_per_practice=2, referrals=600, visits=500, seed=7, commit=False
		)
		self.assertEqual(summary["practices"], 80)
		self.assertEqual(summary["visits"], 500)
		self.assertGreater(summary["referrals"], 400)
		self.assertGreater(summary["weekly rows"], 0)
		self.assertGreater(summary["alerts"], 0, "the busiest sources spike or go quiet in the judged week")
		follow_ups = frappe.get_all(
			"ToDo", filters={"reference_type": "Visit", "reference_name": ("like", "VIS-D%")}, pluck="date"
		)
		self.assertTrue(
			follow_ups and min(follow_ups) < frappe.utils.getdate(), "some follow-ups are overdue"
		)

		practices = frappe.get_all(
			"Practice",
			filters={"name": ("like", "PRAC-D%")},
			fields=["referral_territory", "account_owner", "account_stage", "latitude", "npi", "zip_code"],
		)
		self.assertTrue(all(p.referral_territory and p.account_owner and p.latitude for p in practices))
		self.assertGreater(len({p.account_stage for p in practices}), 2)
		from referral_crm.core.referral_sources.npi import is_valid_npi
		from referral_crm.referral_sources.territories import territory_for_zip

		self.assertTrue(all(is_valid_npi(p.npi) for p in practices if p.npi))
		self.assertTrue(all(territory_for_zip(p.zip_code) in (None, p.referral_territory) for p in practices))
		admitted = frappe.get_all(
			"Referral",
			filters={"name": ("like", "REF-D%"), "status": ("in", ["Admitted", "Discharged"])},
			fields=["received_at", "start_of_care", "attributed_liaison", "visit_note_status"],
		)
		self.assertTrue(admitted)
		self.assertTrue(
			all(r.visit_note_status in ("Due", "Overdue", "Sent on Time", "Sent Late") for r in admitted)
		)
		self.assertTrue(all(r.start_of_care > r.received_at and r.attributed_liaison for r in admitted))
		self.assertTrue(frappe.db.exists("User", "liaison.bronx@demo.referral-crm.example"))
		with self.assertRaises(frappe.ValidationError):
			build(practices=5, referrals=10, visits=10, commit=False)

	def tearDown(self):
		frappe.db.rollback()
