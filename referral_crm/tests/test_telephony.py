"""Calls through Twilio against a local stand-in for its REST API, with callbacks signed as Twilio signs
them: click-to-call, the power dialer and its caps, inbound pop-ups, recordings, forged requests."""

import json
import random
import re
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import frappe
from frappe.tests.test_api import FrappeAPITestCase, make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today
from twilio.request_validator import RequestValidator
from werkzeug.test import EnvironBuilder

from referral_crm.outreach import telephony, telephony_webhooks
from referral_crm.outreach.queue import log_outcome
from referral_crm.testing import RecordedServer, make_practice, make_territory, make_user, unique_zip

ACCOUNT = "AC" + "0" * 32
TOKEN = "local-auth-token"
BASE = "https://crm.agency.test"
AUDIO = b"ID3\x03\x00fake mp3 bytes"


class FakeTwilio(RecordedServer):
	"""Answers like api.twilio.com and sends status callbacks signed with the account's token."""

	def __init__(self):
		self.refuse = False
		self.count = 0
		super().__init__(self.answer)

	def answer(self, request):
		path = request["path"]
		if self.refuse:
			body = {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}
			return 400, "application/json", json.dumps(body).encode()
		if request["method"] == "POST" and path.endswith("/Calls.json"):
			self.count += 1
			form = {k: v[0] for k, v in parse_qs(request["body"].decode()).items()}
			sid = f"CA{self.count:032d}"
			body = {
				"sid": sid,
				"status": "queued",
				"to": form["To"],
				"from": form["From"],
				"account_sid": ACCOUNT,
			}
			return 201, "application/json", json.dumps(body).encode()
		if request["method"] == "POST" and "/Calls/" in path:
			return (
				200,
				"application/json",
				json.dumps({"sid": path.rsplit("/", 1)[1][:-5], "status": "completed"}).encode(),
			)
		if request["method"] == "GET" and path.endswith(".mp3"):
			return 200, "audio/mpeg", AUDIO
		if request["method"] == "DELETE" and "/Recordings/" in path:
			return 204, "application/json", b""
		return 404, "application/json", b'{"code": 20404, "message": "not found", "status": 404}'

	def placed(self) -> list[dict]:
		return [
			{k: v[0] for k, v in parse_qs(r["body"].decode()).items()}
			for r in self.requests
			if r["method"] == "POST" and r["path"].endswith("/Calls.json")
		]

	def send(self, url: str, params: dict, signature: str | None = None):
		"""POST the callback to the webhook the way Twilio does (form body, X-Twilio-Signature)."""
		signature = signature or RequestValidator(TOKEN).compute_signature(url, params)
		parts = urlsplit(url)
		method = parts.path.rsplit(".", 1)[1]
		environ = EnvironBuilder(
			path=parts.path,
			query_string=parts.query,
			method="POST",
			data=params,
			headers={"X-Twilio-Signature": signature},
		)
		previous = frappe.session.user
		frappe.local.request = environ.get_request()
		frappe.set_user("Guest")
		try:
			return getattr(telephony_webhooks, method)()
		finally:
			frappe.set_user(previous)
			del frappe.local.request


def xml(response) -> str:
	return response.get_data(as_text=True)


class TelephonyCase(FrappeTestCase):
	def setUp(self):
		frappe.local.conf.throttle_user_limit = 10**6
		self.twilio = FakeTwilio().__enter__()
		self.addCleanup(self.twilio.__exit__)
		committing = patch.object(telephony, "commit_before_the_provider_calls_back", lambda: None)
		committing.start()
		self.addCleanup(committing.stop)
		self.published = []
		publishing = patch.object(
			frappe,
			"publish_realtime",
			lambda event, message=None, user=None, **kw: self.published.append((event, message, user)),
		)
		publishing.start()
		self.addCleanup(publishing.stop)

		settings = frappe.get_doc("Referral Telephony Settings")
		settings.update(
			{
				"enabled": 1,
				"provider": "Twilio",
				"account_sid": ACCOUNT,
				"auth_token": TOKEN,
				"webhook_base_url": BASE,
				"api_base_url": self.twilio.url,
				"machine_detection": 1,
				"voicemail_drop_url": "https://agency.test/voicemail.mp3",
				"record_calls": 0,
				"inbound_forward_to": "",
				"default_daily_cap": 200,
				"duty_users": [],
			}
		)
		settings.save()
		frappe.db.delete("Outbound Caller Number")
		# Numbers of their own: calls other runs left today count against a number's cap.
		suffix = random.randint(2000, 9999)
		self.numbers = [
			self.caller_number(f"+1212555{suffix}", 200),
			self.caller_number(f"+1312555{suffix}", 200),
		]

		self.setter = make_user(["Appointment Setter"])
		frappe.db.set_value("User", self.setter, "mobile_no", "+16465550199")
		self.zip = unique_zip()
		self.territory = make_territory(zip_codes=[self.zip], members=[(self.setter, "Appointment Setter")])
		self.offices = [
			make_practice(
				zip_code=self.zip, phone=f"+1212555{n:04d}", practice_name=f"Heights Cardiology {n}"
			)
			for n in (3101, 3102, 3103)
		]
		self.queue = frappe.get_doc(
			{
				"doctype": "Outreach Queue",
				"queue_name": f"Calls {frappe.generate_hash(length=6)}",
				"action": "Call",
				"referral_territory": self.territory.name,
				"account_stages": "Target",
			}
		).insert()
		frappe.set_user(self.setter)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.clear_document_cache("Referral Telephony Settings", "Referral Telephony Settings")

	def caller_number(self, phone, cap):
		return (
			frappe.get_doc({"doctype": "Outbound Caller Number", "phone_number": phone, "daily_cap": cap})
			.insert()
			.name
		)

	def callback(self, url_of: str, call: str, params: dict, signature=None):
		return self.twilio.send(telephony.webhook_url(url_of, call=call), params, signature)

	def visits_of(self, call):
		return frappe.get_all(
			"Visit", filters={"outreach_call": call}, fields=["name", "outcome", "call_duration", "remarks"]
		)

	def start_dialing(self):
		state = telephony.start_dialer(self.queue.name)
		agent = state["session"]
		frappe.set_user("Administrator")
		self.callback("answer", agent, {"CallSid": "CAagent", "CallStatus": "in-progress"})
		frappe.set_user(self.setter)
		return agent


class TestClickToCall(TelephonyCase):
	def test_rings_the_user_then_the_office_and_writes_one_visit_with_duration(self):
		office = self.offices[0]
		result = telephony.click_to_call("Practice", office.name)
		(placed,) = self.twilio.placed()
		self.assertEqual(placed["To"], "+16465550199", "the user's own phone rings first")
		self.assertEqual(placed["From"], self.numbers[0], "a local number for a 212 office")
		self.assertEqual(placed["StatusCallback"], telephony.webhook_url("status", call=result["call"]))
		self.assertNotIn("Heights", json.dumps(placed), "no names in what the provider is sent")

		twiml = xml(self.callback("answer", result["call"], {"CallSid": "CA1", "CallStatus": "in-progress"}))
		self.assertIn(f'callerId="{self.numbers[0]}"', twiml)
		self.assertIn(f"<Number>{office.phone}</Number>", twiml)
		self.assertIn("dialed?call=" + result["call"], twiml)

		done = {
			"CallSid": "CA1",
			"DialCallStatus": "completed",
			"DialCallDuration": "95",
			"DialCallSid": "CA2",
		}
		self.callback("dialed", result["call"], done)
		self.callback("dialed", result["call"], done)  # delivered twice
		(visit,) = self.visits_of(result["call"])
		self.assertEqual((visit.outcome, visit.call_duration), ("Spoke with Office Staff", 95))
		self.assertEqual(frappe.db.get_value("Visit", visit.name, "user"), self.setter)
		self.assertEqual(frappe.db.get_value("Outreach Call", result["call"], "disposition"), "Answered")

	def test_only_the_numbers_on_the_record_can_be_called(self):
		with self.assertRaises(frappe.ValidationError):
			telephony.click_to_call("Practice", self.offices[0].name, number="+19005550100")
		self.assertEqual(self.twilio.placed(), [])

	def test_a_do_not_contact_office_is_never_dialled(self):
		frappe.set_user("Administrator")
		office = make_practice(
			zip_code=self.zip,
			phone="+12125553199",
			account_stage="Do Not Contact",
			do_not_contact_reason="Asked",
		)
		with self.assertRaises(telephony.DoNotContactError):
			telephony.click_to_call("Practice", office.name)
		self.assertEqual(self.twilio.placed(), [])

	def test_a_refusal_by_twilio_is_shown_and_kept_on_the_call(self):
		self.twilio.refuse = True
		with self.assertRaisesRegex(frappe.ValidationError, "Invalid 'To' Phone Number"):
			telephony.click_to_call("Practice", self.offices[0].name)
		failed = frappe.get_all(
			"Outreach Call", filters={"practice": self.offices[0].name}, fields=["status", "error"]
		)
		self.assertEqual(failed[0].status, "Failed")
		self.assertIn("21211", failed[0].error)


class TestSignatures(TelephonyCase):
	def test_a_forged_or_altered_callback_is_refused_and_changes_nothing(self):
		call = telephony.click_to_call("Practice", self.offices[0].name)["call"]
		done = {"CallSid": "CA1", "DialCallStatus": "completed", "DialCallDuration": "30"}
		with self.assertRaises(telephony_webhooks.ForgedRequest):
			self.callback("dialed", call, done, signature="bm90IGEgc2lnbmF0dXJl")
		signed_for_other = RequestValidator(TOKEN).compute_signature(
			telephony.webhook_url("dialed", call=call), {}
		)
		with self.assertRaises(telephony_webhooks.ForgedRequest):
			self.callback(
				"dialed", call, done, signature=signed_for_other
			)  # parameters changed after signing
		wrong_key = RequestValidator("another-token").compute_signature(
			telephony.webhook_url("dialed", call=call), done
		)
		with self.assertRaises(telephony_webhooks.ForgedRequest):
			self.callback("dialed", call, done, signature=wrong_key)
		self.assertEqual(self.visits_of(call), [])
		self.assertFalse(frappe.db.get_value("Outreach Call", call, "disposition"))


class TestWebhookOverHTTP(FrappeAPITestCase):
	def test_unsigned_and_forged_requests_get_403(self):
		path = "/api/method/referral_crm.outreach.telephony_webhooks.status"
		for headers in ({}, {"X-Twilio-Signature": "forged"}):
			response = make_request(
				self.TEST_CLIENT.post,
				(path,),
				{"data": {"CallSid": "CA1", "CallStatus": "completed"}, "headers": headers},
			)
			self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[-1500:])


class TestPowerDialer(TelephonyCase):
	def test_a_machine_gets_the_voicemail_and_a_replayed_callback_writes_one_visit(self):
		self.start_dialing()
		first = telephony.dial_next(self.queue.name)
		self.assertEqual(first["card"]["practice"]["name"], self.offices[0].name)
		office_leg = self.twilio.placed()[-1]
		self.assertEqual(office_leg["To"], self.offices[0].phone)
		self.assertEqual(office_leg["MachineDetection"], "DetectMessageEnd")

		twiml = xml(
			self.callback("answer", first["call"], {"CallSid": "CA9", "AnsweredBy": "machine_end_beep"})
		)
		self.assertIn("<Play>https://agency.test/voicemail.mp3</Play><Hangup />", twiml)
		final = {
			"CallSid": "CA9",
			"CallStatus": "completed",
			"CallDuration": "41",
			"AnsweredBy": "machine_end_beep",
		}
		for _replay in range(3):
			self.callback("status", first["call"], final)
		(visit,) = self.visits_of(first["call"])
		self.assertEqual((visit.outcome, visit.call_duration), ("Left Voicemail", 41))

		# The person adds a remark and the next step; the same Visit takes them, and the next office is up.
		card = log_outcome(
			self.queue.name,
			self.offices[0].name,
			"Left Voicemail",
			remarks="Ask for the office manager",
			next_step="Call back Thursday",
			follow_up_date=add_days(today(), 2),
			call=first["call"],
		)
		(visit,) = self.visits_of(first["call"])
		self.assertEqual(visit.remarks, "Ask for the office manager")
		self.assertEqual(card["practice"]["name"], self.offices[1].name)

	def test_a_human_joins_the_users_room(self):
		agent = self.start_dialing()
		first = telephony.dial_next(self.queue.name)
		twiml = xml(self.callback("answer", first["call"], {"CallSid": "CA9", "AnsweredBy": "human"}))
		self.assertIn(f"dialer-{agent}</Conference>", twiml)
		with self.assertRaisesRegex(frappe.ValidationError, "still going"):
			telephony.dial_next(self.queue.name)

	def test_statuses_become_dispositions(self):
		self.start_dialing()
		expected = []
		for params, outcome in (
			({"CallStatus": "busy"}, "No Answer"),
			({"CallStatus": "failed", "SipResponseCode": "404"}, "Wrong Number"),
			({"CallStatus": "no-answer"}, "No Answer"),
		):
			step = telephony.dial_next(self.queue.name)
			self.callback("status", step["call"], {"CallSid": "CAx", "CallDuration": "0", **params})
			expected.append(outcome)
			(visit,) = self.visits_of(step["call"])
			self.assertEqual(visit.outcome, outcome)
			log_outcome(self.queue.name, step["card"]["practice"]["name"], outcome, call=step["call"])
		busy = frappe.get_all(
			"Outreach Call", filters={"mode": "Power Dialer", "disposition": "Busy"}, pluck="name"
		)
		self.assertEqual(len(busy), 1)
		self.assertIn("Busy", self.visits_of(busy[0])[0].remarks)

	def test_a_dialer_run_stops_at_the_cap(self):
		frappe.set_user("Administrator")
		frappe.db.set_value("Outbound Caller Number", self.numbers[0], "daily_cap", 2)
		frappe.db.set_value("Outbound Caller Number", self.numbers[1], "daily_cap", 1)
		frappe.set_user(self.setter)
		self.start_dialing()  # one call of the three the numbers may place today
		calls = []
		for _office in range(5):
			step = telephony.dial_next(self.queue.name)
			if step.get("capacity_used_up"):
				break
			calls.append(step["call"])
			self.callback(
				"status", step["call"], {"CallSid": "CAx", "CallStatus": "no-answer", "CallDuration": "0"}
			)
			log_outcome(self.queue.name, step["card"]["practice"]["name"], "No Answer", call=step["call"])
		self.assertEqual(len(calls), 2)
		self.assertTrue(step.get("capacity_used_up"))
		self.assertEqual(len(self.twilio.placed()), 3, "agent leg and two offices: never past the caps")
		used = telephony.calls_today(self.numbers)
		self.assertEqual((used[self.numbers[0]], used[self.numbers[1]]), (2, 1))
		with self.assertRaises(telephony.CapacityUsedUp):
			telephony.click_to_call("Practice", self.offices[2].name)

	def test_do_not_contact_offices_are_skipped(self):
		frappe.set_user("Administrator")
		for office in self.offices[:2]:
			frappe.db.set_value("Practice", office.name, {"account_stage": "Do Not Contact"})
		frappe.set_user(self.setter)
		self.start_dialing()
		step = telephony.dial_next(self.queue.name)
		self.assertEqual(step["card"]["practice"]["name"], self.offices[2].name)
		self.assertEqual([p["To"] for p in self.twilio.placed()][1:], [self.offices[2].phone])


class TestInbound(TelephonyCase):
	def setUp(self):
		super().setUp()
		frappe.set_user("Administrator")
		self.duty = make_user(["Referral Coordinator"])
		territory = frappe.get_doc("Referral Territory", self.territory.name)
		territory.append("members", {"user": self.duty, "territory_role": "Referral Coordinator"})
		territory.save()
		settings = frappe.get_doc("Referral Telephony Settings")
		settings.set("duty_users", [{"user": self.duty}])
		settings.save()
		self.owner = make_user(["Physician Liaison"])
		frappe.db.set_value("Practice", self.offices[0].name, "account_owner", self.owner)

	def test_a_known_office_pops_up_for_the_people_on_duty_and_a_missed_call_is_a_todo(self):
		answer = xml(
			self.twilio.send(
				telephony.webhook_url("incoming"),
				{"CallSid": "CAin1", "From": self.offices[0].phone, "To": self.numbers[0]},
			)
		)
		call = frappe.get_doc("Outreach Call", {"call_sid": "CAin1"})
		self.assertEqual((call.direction, call.practice), ("Inbound", self.offices[0].name))
		pops = [(m, u) for event, m, u in self.published if event == "referral_crm_incoming_call"]
		self.assertEqual([u for _m, u in pops], [self.duty])
		card = pops[0][0]
		self.assertEqual(card["practice"]["practice_name"], self.offices[0].practice_name)
		self.assertIn("referrals_this_month", card)
		self.assertIn("<Say>", answer)
		todo = frappe.get_all(
			"ToDo",
			filters={"reference_name": self.offices[0].name, "allocated_to": self.owner},
			pluck="description",
		)
		self.assertTrue(any("Missed call" in t for t in todo))
		self.assertEqual(frappe.db.get_value("Outreach Call", call.name, "disposition"), "Missed")

	def test_a_forwarded_call_nobody_answers_is_missed_once(self):
		frappe.db.set_single_value("Referral Telephony Settings", "inbound_forward_to", "+16465550123")
		frappe.clear_document_cache("Referral Telephony Settings", "Referral Telephony Settings")
		answer = xml(
			self.twilio.send(
				telephony.webhook_url("incoming"),
				{"CallSid": "CAin2", "From": self.offices[0].phone, "To": self.numbers[0]},
			)
		)
		self.assertIn("<Number>+16465550123</Number>", answer)
		call = frappe.db.get_value("Outreach Call", {"call_sid": "CAin2"})
		for _replay in range(2):
			self.callback("dialed", call, {"CallSid": "CAin2", "DialCallStatus": "no-answer"})
		todos = frappe.get_all(
			"ToDo", filters={"reference_name": self.offices[0].name, "allocated_to": self.owner}
		)
		self.assertEqual(len(todos), 1)

	def test_an_unknown_caller_becomes_a_contact_in_one_step(self):
		self.twilio.send(
			telephony.webhook_url("incoming"),
			{"CallSid": "CAin3", "From": "+17185550142", "To": self.numbers[0]},
		)
		call = frappe.db.get_value("Outreach Call", {"call_sid": "CAin3"})
		card = next(m for event, m, _u in self.published if event == "referral_crm_incoming_call")
		self.assertNotIn("practice", card)
		frappe.set_user(self.duty)
		contact = telephony.create_contact_from_call(call, "Dana", "Reyes", self.offices[1].name)
		frappe.set_user("Administrator")
		doc = frappe.get_doc("Contact", contact)
		self.assertEqual(doc.phone_nos[0].phone, "+17185550142")
		self.assertEqual(doc.links[0].link_name, self.offices[1].name)
		self.assertEqual(telephony.match_caller("(718) 555-0142")["contact"], contact)

	def test_a_number_that_is_only_a_patient_s_or_customer_s_contact_is_an_unknown_caller(self):
		other = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Pat",
				"last_name": "Private",
				"phone_nos": [{"phone": "+17185550199", "is_primary_phone": 1}],
			}
		).insert(ignore_permissions=True)
		self.assertEqual(
			telephony.match_caller("(718) 555-0199"), {}, "no name of a contact outside the offices"
		)
		office = frappe.get_doc("Contact", other.name)
		office.append("links", {"link_doctype": "Practice", "link_name": self.offices[0].name})
		office.save(ignore_permissions=True)
		self.assertEqual(
			telephony.match_caller("(718) 555-0199"),
			{"contact": other.name, "practice": self.offices[0].name},
		)


class TestRecordings(TelephonyCase):
	def test_a_recording_is_private_limited_to_managers_and_deleted_after_retention_with_a_log(self):
		frappe.set_user("Administrator")
		frappe.db.set_single_value(
			"Referral Telephony Settings",
			{"record_calls": 1, "recording_retention_days": 30, "recording_notice": "This call is recorded."},
		)
		frappe.clear_document_cache("Referral Telephony Settings", "Referral Telephony Settings")
		frappe.set_user(self.setter)
		call = telephony.click_to_call("Practice", self.offices[0].name)["call"]
		twiml = xml(self.callback("answer", call, {"CallSid": "CA1", "CallStatus": "in-progress"}))
		self.assertIn('record="record-from-answer-dual"', twiml)
		self.assertRegex(twiml, r'<Number [^>]*url="[^"]+notice"')
		recording = {
			"RecordingSid": "RE" + "1" * 32,
			"RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE{'1' * 32}",
			"RecordingDuration": "88",
			"RecordingStatus": "completed",
		}
		self.callback("recording", call, recording)
		self.callback("recording", call, recording)
		(name,) = frappe.get_all("Call Recording", filters={"outreach_call": call}, pluck="name")
		frappe.set_user("Administrator")
		self.assertEqual(telephony.store_recording(name), "Stored")
		doc = frappe.get_doc("Call Recording", name)
		file = frappe.get_doc("File", {"attached_to_doctype": "Call Recording", "attached_to_name": name})
		self.assertTrue(file.is_private)
		content = file.get_content()
		self.assertEqual(content if isinstance(content, bytes) else content.encode(), AUDIO)
		deleted = [r for r in self.twilio.requests if r["method"] == "DELETE"]
		self.assertEqual(len(deleted), 1, "the copy at Twilio goes once ours is stored")
		self.assertFalse(frappe.has_permission("Call Recording", "read", doc, user=self.setter))
		self.assertFalse(frappe.has_permission("File", "read", file, user=self.setter))
		manager = make_user(["Referral Marketing Manager"])
		self.assertTrue(frappe.has_permission("Call Recording", "read", doc, user=manager))
		self.assertEqual(str(doc.expires_on), add_days(today(), 30))

		frappe.db.set_value("Call Recording", name, "expires_on", today())
		self.assertEqual(telephony.delete_expired_recordings(), 1)
		self.assertFalse(frappe.db.exists("Call Recording", name))
		self.assertFalse(frappe.db.exists("File", file.name))
		comments = frappe.get_all(
			"Comment", filters={"reference_doctype": "Outreach Call", "reference_name": call}, pluck="content"
		)
		self.assertTrue(any(re.search("deleted at the end of its retention period", c) for c in comments))
