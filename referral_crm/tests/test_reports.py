import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, get_datetime

from referral_crm.referral_intelligence.report.liaison_activity.liaison_activity import (
	execute as liaison_activity,
)
from referral_crm.referral_intelligence.report.referral_funnel.referral_funnel import (
	execute as referral_funnel,
)
from referral_crm.referral_intelligence.report.referral_trend_by_source.referral_trend_by_source import (
	execute as referral_trend,
)
from referral_crm.referral_intelligence.report.source_scorecard.source_scorecard import (
	execute as source_scorecard,
)
from referral_crm.testing import (
	make_practice,
	make_referral,
	make_territory,
	make_user,
	make_visit,
	move_referral,
)

WEEK_1 = get_datetime("2026-10-26 10:00")  # Monday weeks
WEEK_2 = get_datetime("2026-11-02 10:00")
TO_DATE = "2026-11-03"


class TestReports(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.liaison = make_user(["Physician Liaison"])
		cls.territory = make_territory(members=[(cls.liaison, "Physician Liaison")])
		cls.service_line = "Hospice"
		cls.mine = make_practice(referral_territory=cls.territory.name, liaison=cls.liaison)
		cls.other = make_practice(referral_territory=make_territory().name)
		for _ in range(3):
			make_referral(referring_practice=cls.mine.name, received_at=WEEK_1, service_line=cls.service_line)
		cls.admitted = make_referral(
			referring_practice=cls.mine.name, received_at=WEEK_2, service_line=cls.service_line
		)
		move_referral(cls.admitted, "Accepted", "Scheduled")
		move_referral(
			cls.admitted,
			"Admitted",
			start_of_care=add_to_date(WEEK_2, hours=30),
			visit_note_sent_at=add_to_date(WEEK_2, hours=40),
		)
		cls.declined = make_referral(
			referring_practice=cls.mine.name, received_at=WEEK_2, service_line=cls.service_line
		)
		move_referral(cls.declined, "Not Admitted", non_admit_reason="Outside Service Area")
		make_referral(referring_practice=cls.other.name, received_at=WEEK_2)

	def tearDown(self):
		frappe.set_user("Administrator")

	def row_for(self, data, practice):
		(row,) = (r for r in data if r["source"] == practice.name)
		return row

	def test_trend_has_a_column_per_week_and_the_change(self):
		columns, data, _message, chart = referral_trend({"to_date": TO_DATE, "weeks": 2})
		row = self.row_for(data, self.mine)
		self.assertEqual((row["week_2026_10_26"], row["week_2026_11_02"], row["total"]), (3, 2, 5))
		self.assertEqual((row["change"], row["change_percent"]), (-1, -33.3))
		self.assertEqual(len(chart["data"]["labels"]), 2)
		self.assertIn("week_2026_11_02", [c["fieldname"] for c in columns])

	def test_liaison_sees_only_sources_of_their_territory(self):
		frappe.set_user(self.liaison)
		_columns, data, *_ = referral_trend({"to_date": TO_DATE, "weeks": 2})
		self.assertEqual({r["source"] for r in data} & {self.mine.name, self.other.name}, {self.mine.name})

	def test_scorecard(self):
		_columns, data = source_scorecard({"from_date": "2026-10-26", "to_date": "2026-11-08"})
		row = self.row_for(data, self.mine)
		self.assertEqual((row["received"], row["admitted"], row["conversion"]), (5, 1, 20.0))
		self.assertEqual(row["median_hours_to_soc"], 30.0)
		self.assertEqual(row["note_sla"], 100.0)
		self.assertEqual(row["non_admit_reasons"], "Outside Service Area (1)")

	def test_funnel_counts_each_stage_and_why_referrals_were_lost(self):
		_columns, data, _message, chart = referral_funnel(
			{"from_date": "2026-10-26", "to_date": "2026-11-08", "service_line": self.service_line}
		)
		stages = {row["stage"]: row for row in data}
		self.assertEqual(stages["Received"]["referrals"], 5)
		self.assertEqual(stages["Admitted"]["referrals"], 1)
		self.assertEqual(stages["Not admitted: Outside Service Area"]["referrals"], 1)
		self.assertEqual(chart["data"]["datasets"][0]["values"][0], 5)

	def test_liaison_activity_sets_touches_beside_referrals(self):
		make_visit(self.mine.name, user=self.liaison, channel="Fax", outcome="Sent", visit_datetime=WEEK_2)
		make_visit(
			self.mine.name,
			user=self.liaison,
			channel="In Person",
			outcome="Spoke with Provider",
			visit_datetime=WEEK_2,
		)
		_columns, data = liaison_activity(
			{"from_date": "2026-11-02", "to_date": "2026-11-08", "user": self.liaison}
		)
		(row,) = data
		self.assertEqual((row["visits"], row["Fax"], row["In Person"], row["reached"]), (2, 1, 1, 1))
		self.assertEqual(
			row["referrals"], 2
		)  # the admitted and the declined one, both credited to the liaison

	def test_the_touches_per_day_follow_visits_as_they_are_logged_moved_and_deleted(self):
		def day_counts(day):
			return {
				(r.channel, r.outcome, r.referral_territory): r.visits
				for r in frappe.get_all(
					"Visit Day",
					filters={"user": self.liaison, "day": day},
					fields=["channel", "outcome", "referral_territory", "visits"],
				)
			}

		first = make_visit(self.mine.name, user=self.liaison, visit_datetime="2026-09-14 09:00")
		make_visit(self.mine.name, user=self.liaison, visit_datetime="2026-09-14 15:00")
		key = ("In Person", "Spoke with Office Staff", self.territory.name)
		self.assertEqual(day_counts("2026-09-14"), {key: 2})

		first.visit_datetime = "2026-09-15 09:00"
		first.save()
		self.assertEqual((day_counts("2026-09-14"), day_counts("2026-09-15")), ({key: 1}, {key: 1}))

		first.delete()
		self.assertEqual(day_counts("2026-09-15"), {})

		# the practice moves territory: its visits' days move with it, and the report as a liaison of
		# the old territory no longer counts them
		moved_to = make_territory()
		frappe.get_doc("Practice", self.mine.name).update({"referral_territory": moved_to.name}).save()
		self.assertEqual(day_counts("2026-09-14"), {(key[0], key[1], moved_to.name): 1})
		frappe.set_user(self.liaison)
		self.assertEqual(liaison_activity({"from_date": "2026-09-14", "to_date": "2026-09-20"})[1], [])
		frappe.set_user("Administrator")
		(row,) = liaison_activity({"from_date": "2026-09-14", "to_date": "2026-09-20"})[1]
		self.assertEqual(row["visits"], 1)
		frappe.get_doc("Practice", self.mine.name).update({"referral_territory": self.territory.name}).save()

	def test_weeks_read_in_separate_runs_add_up(self):
		"""The rollup is read six weeks at a time: a long period's first and last weeks both count."""
		early = make_referral(referring_practice=self.mine.name, received_at="2026-09-08 10:00")
		try:
			_columns, data, _message, _chart = referral_trend({"to_date": TO_DATE, "weeks": 9})
			row = self.row_for(data, self.mine)
			self.assertEqual((row["week_2026_09_07"], row["week_2026_11_02"], row["total"]), (1, 2, 6))
			_columns, data = source_scorecard({"from_date": "2026-09-01", "to_date": "2026-11-08"})
			row = self.row_for(data, self.mine)
			self.assertEqual((row["received"], row["admitted"], row["median_hours_to_soc"]), (6, 1, 30.0))
		finally:
			frappe.delete_doc("Referral", early.name, force=True)

	def test_weeks_too_large_for_one_packet_are_read_row_by_row(self):
		"""MariaDB answers NULL for a JSON array larger than it may send: those weeks are read row by row."""
		from unittest.mock import patch

		from referral_crm.referral_intelligence import reporting

		real = frappe.get_list

		def arrays_refused(*args, **kwargs):
			rows = real(*args, **kwargs)
			if any("json_arrayagg" in field for field in kwargs.get("fields", [])):
				return [(row[0], *(None for _ in row[1:])) for row in rows]
			return rows

		expected = referral_trend({"to_date": TO_DATE, "weeks": 2})[1], source_scorecard({})[1]
		with patch.object(reporting.frappe, "get_list", arrays_refused):
			read = referral_trend({"to_date": TO_DATE, "weeks": 2})[1], source_scorecard({})[1]
		self.assertEqual(read, expected)
		self.assertTrue(expected[0])

	def test_reversed_dates_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			source_scorecard({"from_date": "2026-11-08", "to_date": "2026-10-26"})
