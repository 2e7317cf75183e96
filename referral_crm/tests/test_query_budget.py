"""Query budgets: saving, loading and reporting cost a fixed number of queries, whatever the data size."""

from contextlib import contextmanager

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, get_datetime, getdate

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
	make_provider,
	make_referral,
	make_territory,
	make_user,
	make_visit,
)

WEEK = get_datetime("2026-10-05 10:00")
REPORT_FILTERS = {"from_date": "2026-09-28", "to_date": "2026-10-18", "weeks": 3}
REPORTS = {
	"Referral Trend by Source": lambda f: referral_trend({**f, "to_date": "2026-10-18"}),
	"Source Scorecard": source_scorecard,
	"Referral Funnel": referral_funnel,
	"Liaison Activity": liaison_activity,
}


@contextmanager
def count_queries():
	queries = []
	original = frappe.db.__class__.sql

	def counting(self, *args, **kwargs):
		queries.append(args[0] if args else "")
		return original(self, *args, **kwargs)

	frappe.db.__class__.sql = counting
	try:
		yield queries
	finally:
		frappe.db.__class__.sql = original


class TestQueryBudgets(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.liaison = make_user(["Physician Liaison"])
		cls.territory = make_territory(members=[(cls.liaison, "Physician Liaison")])

	def add_sources(self, count):
		for _ in range(count):
			practice = make_practice(referral_territory=self.territory.name)
			provider = make_provider(practices=[practice.name])
			for day in range(3):
				make_referral(referring_provider=provider.name, received_at=add_days(WEEK, day))
			make_visit(practice.name, user=self.liaison, visit_datetime=WEEK)

	def report_costs(self):
		costs = {}
		for name, run in REPORTS.items():
			with count_queries() as queries:
				run(dict(REPORT_FILTERS))
			costs[name] = len(queries)
		return costs

	def test_reports_cost_the_same_for_5_or_25_sources(self):
		self.add_sources(5)
		self.report_costs()  # load metadata and settings into the cache first
		small = self.report_costs()
		self.add_sources(20)
		large = self.report_costs()
		self.assertEqual(small, large, "a report's query count grows with the data (N+1)")
		for name, cost in large.items():
			self.assertLessEqual(cost, 4, name)

	def test_saving_a_visit_with_a_follow_up(self):
		practice = make_practice(referral_territory=self.territory.name)
		make_visit(practice.name)  # warm caches
		with self.assertQueryCount(50):  # 45 measured
			make_visit(
				practice.name, user=self.liaison, follow_up_date=add_days(getdate(), 2), next_step="Call back"
			)

	def test_receiving_a_referral(self):
		practice = make_practice(referral_territory=self.territory.name)
		provider = make_provider(practices=[practice.name])
		make_referral(referring_provider=provider.name)  # warm caches
		with self.assertQueryCount(55):  # 46 measured
			make_referral(referring_provider=provider.name, received_at=add_to_date(WEEK, hours=2))

	def test_loading_a_practice_form(self):
		from frappe.desk.form.load import getdoc

		practice = make_practice(referral_territory=self.territory.name)
		for _ in range(10):
			make_provider(practices=[practice.name])
			make_visit(practice.name)
		getdoc("Practice", practice.name)
		# 24 measured with Frappe alone, 26 with ERPNext (its hooks read two more); ten providers and
		# visits must not add any
		with self.assertQueryCount(28):
			getdoc("Practice", practice.name)
