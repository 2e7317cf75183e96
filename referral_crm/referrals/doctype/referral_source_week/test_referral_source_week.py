# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, get_datetime

from referral_crm.core.weeks import week_start
from referral_crm.testing import make_practice, make_provider, make_referral, move_referral

RECEIVED = get_datetime("2026-11-10 09:00")  # a Tuesday; week of Monday 2026-11-09


class TestReferralSourceWeek(FrappeTestCase):
	def week(self, source_type, source, day=RECEIVED):
		return frappe.db.get_value(
			"Referral Source Week",
			{"source_type": source_type, "source": source, "week_start": week_start(day)},
			[
				"received",
				"admitted",
				"admitted_of_received",
				"median_hours_to_soc",
				"notes_due",
				"notes_on_time",
			],
			as_dict=True,
		)

	def test_counts_follow_referrals_as_they_change(self):
		practice = make_practice()
		provider = make_provider(practices=[practice.name])
		first = make_referral(referring_provider=provider.name, received_at=RECEIVED)
		make_referral(referring_provider=provider.name, received_at=add_to_date(RECEIVED, hours=30))
		self.assertEqual(self.week("Practice", practice.name).received, 2)
		self.assertEqual(self.week("Provider", provider.name).received, 2)

		soc = get_datetime("2026-11-16 10:00")  # the next week
		move_referral(first, "Accepted", "Scheduled")
		move_referral(first, "Admitted", start_of_care=soc, visit_note_sent_at=add_to_date(soc, hours=20))
		received_week = self.week("Practice", practice.name)
		self.assertEqual((received_week.received, received_week.admitted_of_received), (2, 1))
		self.assertEqual(received_week.median_hours_to_soc, 145.0)
		care_week = self.week("Practice", practice.name, soc)
		self.assertEqual((care_week.admitted, care_week.notes_due, care_week.notes_on_time), (1, 1, 1))

	def test_cancelling_or_moving_a_referral_recounts_both_sources(self):
		first, second = make_practice(), make_practice()
		referral = make_referral(referring_practice=first.name, received_at=RECEIVED)
		referral.referring_practice = second.name
		referral.save()
		self.assertIsNone(self.week("Practice", first.name))
		self.assertEqual(self.week("Practice", second.name).received, 1)
		move_referral(referral, "Cancelled")
		self.assertIsNone(self.week("Practice", second.name))

	def test_rows_carry_the_sources_territory_for_row_visibility(self):
		from referral_crm.testing import make_territory

		territory = make_territory()
		practice = make_practice(referral_territory=territory.name)
		make_referral(referring_practice=practice.name, received_at=RECEIVED)
		self.assertEqual(
			frappe.db.get_value(
				"Referral Source Week",
				{"source": practice.name, "source_type": "Practice"},
				"referral_territory",
			),
			territory.name,
		)

	def test_a_recount_rewrites_only_the_weeks_that_differ_from_the_referrals(self):
		from referral_crm.referrals.weekly import rebuild_weeks

		practice = make_practice()
		referral = make_referral(referring_practice=practice.name, received_at=RECEIVED)
		make_referral(referring_practice=practice.name, received_at=RECEIVED)
		make_referral(referring_practice=practice.name, received_at=add_to_date(RECEIVED, days=7))
		week = week_start(RECEIVED)
		rebuild_weeks(week, week_start(add_to_date(RECEIVED, days=7)))  # the site's other rows settled
		self.assertEqual(rebuild_weeks(week, week_start(add_to_date(RECEIVED, days=7))), 0)

		# changed behind the controllers' back (a bulk path): the recount finds and rewrites that week
		frappe.db.sql("update `tabReferral` set status = 'Cancelled' where name = %s", referral.name)
		self.assertEqual(rebuild_weeks(week, week_start(add_to_date(RECEIVED, days=7))), 1)
		self.assertEqual(self.week("Practice", practice.name).received, 1)
		self.assertEqual(self.week("Practice", practice.name, add_to_date(RECEIVED, days=7)).received, 1)

		# a week whose last referral went is removed
		frappe.db.sql("delete from `tabReferral` where referring_practice = %s", practice.name)
		rebuild_weeks(week, week_start(add_to_date(RECEIVED, days=7)))
		self.assertIsNone(self.week("Practice", practice.name))
