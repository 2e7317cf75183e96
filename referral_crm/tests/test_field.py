"""In the field: a check-in verified by where the phone was, and gifts and meals within the yearly limit."""

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.testing import make_practice, make_provider, make_user, make_visit

SETTINGS = "Referral CRM Settings"


class TestCheckIn(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_check_in_at_the_office_is_verified_and_one_away_is_kept_and_flagged(self):
		practice = make_practice(zip_code="10451", latitude=40.8262, longitude=-73.9190)
		here = make_visit(practice.name, checkin_latitude=40.8265, checkin_longitude=-73.9192)
		self.assertEqual((here.checkin_verified, here.checkin_distance_m), (1, 37))
		self.assertTrue(here.checked_in_at)
		away = make_visit(practice.name, checkin_latitude=40.8300, checkin_longitude=-73.9190)
		self.assertEqual(away.checkin_verified, 0)
		self.assertGreater(away.checkin_distance_m, 400)

	def test_a_visit_sent_twice_after_a_lost_signal_is_saved_once(self):
		practice = make_practice()
		make_visit(practice.name, client_id="phone-1-visit-7")
		with self.assertRaises(frappe.UniqueValidationError):
			make_visit(practice.name, client_id="phone-1-visit-7")


class TestSpendLimit(FrappeTestCase):
	def setUp(self):
		settings = frappe.get_single(SETTINGS)
		settings.set("stark_limits", [{"year": 2026, "limit_amount": 507}])
		settings.spend_warn_share = 0.8
		settings.save()
		self.practice = make_practice()
		self.doctor = make_provider(practices=[self.practice.name])
		self.colleague = make_provider(practices=[self.practice.name])

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def spend(self, amount, providers, **values):
		return frappe.get_doc(
			{
				"doctype": "Provider Spend",
				"spend_date": "2026-06-01",
				"amount": amount,
				"practice": self.practice.name,
				"providers": [{"provider": p.name} for p in providers],
				**values,
			}
		).insert()

	def test_a_shared_lunch_counts_half_to_each_and_the_limit_blocks_then_a_manager_overrides(self):
		self.spend(400, [self.doctor, self.colleague])  # 200 each
		self.spend(290, [self.doctor])  # 490: past 80 %, a warning
		self.assertIn("near this year's limit", " ".join(str(m) for m in frappe.message_log))
		with self.assertRaisesRegex(frappe.ValidationError, "past this year's limit"):
			self.spend(30, [self.doctor])
		overridden = self.spend(
			30, [self.doctor], override_reason="Grand rounds dinner approved by compliance"
		)
		self.assertIn("520", overridden.limit_status)
		self.assertTrue(self.spend(30, [self.colleague]))  # 230: far from the limit

	def test_a_liaison_cannot_override(self):
		liaison = make_user(["Physician Liaison"])
		self.spend(500, [self.doctor])
		frappe.set_user(liaison)
		with self.assertRaises(frappe.ValidationError):
			self.spend(30, [self.doctor], override_reason="I say so")

	def test_next_year_starts_again(self):
		settings = frappe.get_single(SETTINGS)
		settings.append("stark_limits", {"year": 2027, "limit_amount": 520})
		settings.save()
		self.spend(500, [self.doctor])
		self.assertTrue(self.spend(500, [self.doctor], spend_date="2027-01-02"))


class TestMyDay(FrappeTestCase):
	def setUp(self):
		from referral_crm.testing import make_territory, unique_zip

		self.liaison = make_user(["Physician Liaison"])
		zip_code = unique_zip()
		make_territory(zip_codes=[zip_code], members=[(self.liaison, "Physician Liaison")])
		self.stops = [
			make_practice(zip_code=zip_code, latitude=40.80 + i / 100, longitude=-73.92) for i in range(3)
		]
		frappe.set_user(self.liaison)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_today_lists_the_route_in_order_and_a_visit_sent_twice_is_saved_once(self):
		from referral_crm.field.today import get_today, log_field_visit

		frappe.get_doc(
			{
				"doctype": "Route Plan",
				"start_latitude": 40.79,
				"start_longitude": -73.92,
				"stops": [{"practice": p.name} for p in reversed(self.stops)],
			}
		).insert()
		day = get_today()
		self.assertEqual([s["practice"] for s in day["stops"]], [p.name for p in self.stops])

		first = self.stops[0]
		args = dict(
			practice=first.name,
			outcome="Left Materials",
			client_id="phone-abc-1",
			checkin_latitude=40.8001,
			checkin_longitude=-73.9201,
		)
		saved = log_field_visit(**args)
		again = log_field_visit(**args)  # the phone lost the answer and sent it again
		self.assertEqual((again["visit"], again["repeat"]), (saved["visit"], True))
		self.assertEqual(frappe.db.count("Visit", {"client_id": "phone-abc-1"}), 1)
		self.assertTrue(saved["verified"])
		self.assertTrue(get_today()["stops"][0]["done"])


class TestMileageBirthdaysAndSpendReport(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_days_check_ins_become_a_mileage_log_a_change_needs_a_reason_and_a_manager_approves(self):
		from referral_crm.field.mileage import build_mileage_log

		liaison = make_user(["Physician Liaison"])
		stops = [
			make_practice(zip_code="10451", latitude=40.80 + i * 0.03, longitude=-73.92) for i in range(3)
		]
		for i, practice in enumerate(stops):
			make_visit(
				practice.name,
				user=liaison,
				visit_datetime=f"2026-11-20 {9 + i}:00:00",
				checked_in_at=f"2026-11-20 {9 + i}:00:00",
				checkin_latitude=40.80 + i * 0.03,
				checkin_longitude=-73.92,
			)
		name = build_mileage_log(liaison, "2026-11-20")
		log = frappe.get_doc("Mileage Log", name)
		self.assertEqual([s.practice for s in log.stops], [p.name for p in stops])
		self.assertAlmostEqual(log.computed_miles, 4.14 * 1.3, delta=0.2)
		self.assertEqual(log.miles, log.computed_miles)
		self.assertAlmostEqual(log.amount, log.miles * 0.70, places=2)
		self.assertEqual(log.owner, liaison)

		log.miles = log.computed_miles + 3
		with self.assertRaisesRegex(frappe.ValidationError, "Say why"):
			log.save()
		log.reload()  # a refused save leaves the form as it was
		log.miles, log.adjustment_reason = log.computed_miles + 3, "Detour: bridge closed"
		log.save()
		self.assertEqual(build_mileage_log(liaison, "2026-11-20"), name, "one log a day")
		self.assertAlmostEqual(
			frappe.db.get_value("Mileage Log", name, "miles"), log.computed_miles + 3, places=1
		)
		log.reload()
		log.submit()
		self.assertEqual(log.docstatus, 1)

	def test_a_providers_birthday_puts_a_card_on_the_liaisons_list_once(self):
		from frappe.utils import add_days, getdate, today

		from referral_crm.outreach.reminders import remind_birthdays
		from referral_crm.testing import make_territory, unique_zip

		liaison = make_user(["Physician Liaison"])
		zip_code = unique_zip()
		make_territory(zip_codes=[zip_code], members=[(liaison, "Physician Liaison")])
		practice = make_practice(zip_code=zip_code)
		birthday = getdate(add_days(today(), 7)).replace(year=1970)
		provider = make_provider(practices=[practice.name], birthday=birthday)
		self.assertIn(provider.name, remind_birthdays())
		self.assertEqual(remind_birthdays(), [], "once")
		todo = frappe.get_last_doc(
			"ToDo", filters={"reference_type": "Provider", "reference_name": provider.name}
		)
		self.assertEqual(todo.allocated_to, liaison)
		self.assertIn("birthday card", todo.description)

	def test_the_spend_report_totals_each_physicians_share(self):
		from referral_crm.field.report.spend_by_physician.spend_by_physician import execute

		settings = frappe.get_single(SETTINGS)
		settings.set("stark_limits", [{"year": 2026, "limit_amount": 507}])
		settings.save()
		practice = make_practice()
		a, b = make_provider(practices=[practice.name]), make_provider(practices=[practice.name])
		for amount, providers in ((300, [a, b]), (50, [a])):
			frappe.get_doc(
				{
					"doctype": "Provider Spend",
					"spend_date": "2026-03-01",
					"amount": amount,
					"practice": practice.name,
					"providers": [{"provider": p.name} for p in providers],
				}
			).insert()
		_columns, rows = execute({"year": 2026})
		by_provider = {r["provider"]: r for r in rows}
		self.assertEqual((by_provider[a.name]["total"], by_provider[b.name]["total"]), (200.0, 150.0))
		self.assertEqual(by_provider[a.name]["share_of_limit"], 39.4)
		_columns, rows = execute({"year": 2026, "group_by": "Liaison"})
		self.assertEqual(rows[0]["spent"], 350.0)


class TestCardOccasions(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_holiday_reminds_each_liaison_of_their_engaged_offices_once(self):
		from frappe.utils import add_days, today

		from referral_crm.outreach.reminders import remind_card_occasions
		from referral_crm.testing import make_territory, unique_zip

		liaison = make_user(["Physician Liaison"])
		zip_code = unique_zip()
		make_territory(zip_codes=[zip_code], members=[(liaison, "Physician Liaison")])
		make_practice(zip_code=zip_code, account_stage="Referring")
		make_practice(zip_code=zip_code)  # a target gets no holiday card
		settings = frappe.get_single(SETTINGS)
		settings.set("card_occasions", [{"occasion": "Doctors' Day", "occasion_date": add_days(today(), 7)}])
		settings.save()
		self.assertIn(liaison, remind_card_occasions())
		self.assertNotIn(liaison, remind_card_occasions(), "once")
		todo = frappe.get_last_doc("ToDo", filters={"allocated_to": liaison})
		self.assertIn("Doctors' Day", todo.description)
		self.assertIn("your 1 engaged", todo.description)
