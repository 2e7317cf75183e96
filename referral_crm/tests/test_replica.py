import socket
from types import SimpleNamespace
from unittest.mock import patch

import frappe
import pymysql
from frappe.desk.doctype.dashboard_chart.dashboard_chart import get as frappe_chart
from frappe.desk.doctype.number_card.number_card import get_result as frappe_card
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase

from referral_crm import replica
from referral_crm.referral_intelligence.report.referral_funnel.referral_funnel import execute as funnel
from referral_crm.referral_intelligence.report.source_scorecard.source_scorecard import execute as scorecard
from referral_crm.testing import make_practice, make_referral

# Of the app's modules Referrals and Referral Intelligence.
APP_CARD, APP_CHART = "Referrals Received Today", "Weekly Referrals"


def closed_port() -> int:
	"""A local port nothing listens on: a replica that is down."""
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class TestReplica(FrappeTestCase):
	def setUp(self):
		self.conf = frappe.local.conf
		frappe.local.conf = frappe._dict({**self.conf, "read_from_replica": 0})  # a site with one too
		frappe.cache.delete_value(replica.NOT_USABLE)
		practice = make_practice()
		make_referral(referring_practice=practice.name)

	def tearDown(self):
		frappe.local.conf = self.conf
		frappe.cache.delete_value(replica.NOT_USABLE)
		for attr in ("request", "replica_db", "primary_db"):
			if hasattr(frappe.local, attr):
				delattr(frappe.local, attr)

	def with_replica_down(self):
		frappe.local.conf = frappe._dict(
			{
				**self.conf,
				"read_from_replica": 1,
				"replica_host": "127.0.0.1",
				"replica_db_port": closed_port(),
			}
		)
		return frappe.local.conf

	def test_reports_answer_from_the_primary_while_the_replica_is_down(self):
		expected = (funnel({}), scorecard({}))
		primary = frappe.local.db
		self.with_replica_down()
		self.assertTrue(replica.configured())
		self.assertEqual((funnel({}), scorecard({})), expected)
		self.assertIs(frappe.local.db, primary)
		self.assertTrue(
			frappe.cache.get_value(replica.NOT_USABLE, expires=True)
		)  # not tried again for a while
		self.assertFalse(hasattr(frappe.local, "replica_db"))

	def test_a_replica_failing_half_way_is_left_for_the_primary(self):
		calls = []

		@replica.reads_from_replica
		def count_referrals():
			calls.append(frappe.local.db)
			if len(calls) == 1:
				raise pymysql.err.OperationalError(2013, "Lost connection to server during query")
			return frappe.db.count("Referral")

		expected = frappe.db.count("Referral")
		self.with_replica_down()
		with patch.object(replica, "replica_is_current", return_value=True):  # lost after the check
			self.assertEqual(count_referrals(), expected)
		self.assertEqual(len(calls), 2)
		self.assertIsNot(calls[0], calls[1])

	def test_errors_of_the_report_itself_are_not_taken_for_a_replica_failure(self):
		@replica.reads_from_replica
		def broken():
			frappe.throw("not a connection problem")

		self.assertRaises(frappe.ValidationError, broken)
		self.with_replica_down()
		frappe.cache.set_value(replica.NOT_USABLE, "test")
		self.assertRaises(frappe.ValidationError, broken)

	def test_the_desk_report_runner_stays_on_the_primary_while_the_replica_is_down(self):
		expected = run("Referral Funnel")["result"]
		loaded = self.with_replica_down()
		frappe.local.request = SimpleNamespace(path="/api/method/frappe.desk.query_report.run")
		replica.before_request()
		self.assertFalse(frappe.conf.read_from_replica)
		self.assertTrue(
			loaded.read_from_replica
		)  # for this request only: the loaded config is left as it was
		self.assertEqual(run("Referral Funnel")["result"], expected)

	def test_other_requests_are_not_checked(self):
		self.with_replica_down()
		frappe.local.request = SimpleNamespace(path="/api/method/referral_crm.field.today.get_today")
		replica.before_request()
		self.assertTrue(frappe.conf.read_from_replica)
		self.assertIsNone(frappe.cache.get_value(replica.NOT_USABLE, expires=True))

	def test_without_a_replica_nothing_changes(self):
		self.assertFalse(replica.configured())
		self.assertTrue(funnel.reads_from_replica)
		primary = frappe.local.db
		funnel({})
		self.assertIs(frappe.local.db, primary)


class RecordingReplica:
	"""The test's own connection standing in for a current replica (a second connection would not see
	the rows the test has not committed), recording what is read and written through it."""

	def __init__(self, db):
		self.db, self.reads, self.writes = db, [], []

	def sql(self, query, *args, **kwargs):
		verb = str(query).lstrip().split(None, 1)[0].lower()
		(self.writes if verb in {"insert", "update", "delete", "replace"} else self.reads).append(str(query))
		return self.db.sql(query, *args, **kwargs)

	def set_value(self, *args, **kwargs):
		self.writes.append(args)
		return self.db.set_value(*args, **kwargs)

	def close(self):
		pass  # the test's connection stays open

	def __getattr__(self, name):
		return getattr(self.db, name)


class TestReplicaCardsAndCharts(FrappeTestCase):
	def setUp(self):
		self.conf = frappe.local.conf
		frappe.local.conf = frappe._dict({**self.conf, "read_from_replica": 0})
		frappe.cache.delete_value(replica.NOT_USABLE)
		make_referral(referring_practice=make_practice().name)
		self.card = frappe.get_doc("Number Card", APP_CARD)
		self.primary = frappe.local.db

	def tearDown(self):
		frappe.local.db = self.primary
		frappe.local.conf = self.conf
		frappe.cache.delete_value(replica.NOT_USABLE)
		for attr in ("replica_db", "primary_db"):
			if hasattr(frappe.local, attr):
				delattr(frappe.local, attr)

	def configure_replica(self, port: int) -> None:
		frappe.local.conf = frappe._dict(
			{**self.conf, "read_from_replica": 1, "replica_host": "127.0.0.1", "replica_db_port": port}
		)

	def card_result(self, card=None):
		card = card or self.card
		return replica.get_number_card_result(card.as_json(), card.filters_json)

	def test_the_apps_cards_and_charts_are_read_on_a_current_replica(self):
		expected_card = frappe_card(self.card.as_json(), self.card.filters_json)
		expected_chart = frappe_chart(chart_name=APP_CHART, refresh=1)
		self.assertGreaterEqual(expected_card, 1)
		frappe.db.set_value("Dashboard Chart", APP_CHART, "last_synced_on", "2020-01-01 00:00:00")
		fake = RecordingReplica(self.primary)
		self.configure_replica(closed_port())
		with (
			patch.object(replica, "_connect", return_value=fake) as connect,
			patch.object(replica, "replica_is_current", return_value=True),
		):
			self.assertEqual(self.card_result(), expected_card)
			chart = replica.get_dashboard_chart(chart_name=APP_CHART, refresh=1)
		self.assertEqual(connect.call_count, 2)
		self.assertEqual(chart, expected_chart)
		self.assertEqual(sum("`tabReferral`" in q for q in fake.reads), 2)  # the card's and the chart's
		self.assertEqual(fake.writes, [])  # the chart's sync time is not written on the replica ...
		synced = frappe.db.get_value("Dashboard Chart", APP_CHART, "last_synced_on")
		self.assertGreater(str(synced), "2020-01-01 00:00:00")  # ... but on the primary, after the read
		self.assertIs(frappe.local.db, self.primary)
		self.assertFalse(frappe.flags.read_only)

	def test_another_apps_card_goes_straight_to_frappe(self):
		card = frappe.get_doc(
			{
				"doctype": "Number Card",
				"label": f"Open ToDos {frappe.generate_hash(length=6)}",
				"type": "Document Type",
				"document_type": "ToDo",
				"function": "Count",
				"module": "Desk",
				"filters_json": "[]",
				"is_standard": 0,
			}
		).insert(ignore_permissions=True)
		chart = frappe.get_doc(
			{
				"doctype": "Dashboard Chart",
				"chart_name": f"ToDos {frappe.generate_hash(length=6)}",
				"chart_type": "Count",
				"document_type": "ToDo",
				"based_on": "creation",
				"timeseries": 1,
				"timespan": "Last Year",
				"time_interval": "Monthly",
				"type": "Line",
				"filters_json": "[]",
				"module": "Desk",
				"is_public": 1,
				"is_standard": 0,
			}
		).insert(ignore_permissions=True)
		expected_chart = frappe_chart(chart_name=chart.name, refresh=1)
		self.configure_replica(closed_port())
		with (
			patch.object(replica, "_connect") as connect,
			patch.object(replica, "replica_is_current", return_value=True) as current,
		):
			self.assertEqual(self.card_result(card), frappe.db.count("ToDo"))
			self.assertEqual(replica.get_dashboard_chart(chart_name=chart.name, refresh=1), expected_chart)
		connect.assert_not_called()
		current.assert_not_called()

	def test_cards_and_charts_fall_back_to_the_primary_while_the_replica_is_down(self):
		expected_card = frappe_card(self.card.as_json(), self.card.filters_json)
		expected_chart = frappe_chart(chart_name=APP_CHART, refresh=1)
		frappe.db.set_value("Dashboard Chart", APP_CHART, "last_synced_on", "2020-01-01 00:00:00")
		self.configure_replica(closed_port())
		self.assertEqual(self.card_result(), expected_card)
		self.assertGreaterEqual(self.card_result(), 1)
		self.assertEqual(replica.get_dashboard_chart(chart_name=APP_CHART, refresh=1), expected_chart)
		self.assertIs(frappe.local.db, self.primary)
		self.assertTrue(frappe.cache.get_value(replica.NOT_USABLE, expires=True))
		synced = frappe.db.get_value("Dashboard Chart", APP_CHART, "last_synced_on")
		self.assertGreater(str(synced), "2020-01-01 00:00:00")  # Frappe wrote it, on the primary
