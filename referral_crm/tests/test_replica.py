import socket
from types import SimpleNamespace
from unittest.mock import patch

import frappe
import pymysql
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase

from referral_crm import replica
from referral_crm.referral_intelligence.report.referral_funnel.referral_funnel import execute as funnel
from referral_crm.referral_intelligence.report.source_scorecard.source_scorecard import execute as scorecard
from referral_crm.testing import make_practice, make_referral


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
