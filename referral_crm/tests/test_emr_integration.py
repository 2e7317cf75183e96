"""FHIR R4 referrals in, status back as Tasks, HL7 v2 events, through real HTTP requests and MLLP.

The referral bundle is built from the FHIR specification's published ServiceRequest, Patient and
Practitioner examples (tests/unit/referrals/fixtures, see its README for where each comes from); the
v2 messages from the `hl7` package's own test samples (tests/unit/referrals/hl7_samples.py).
"""

import base64
import json
import sys
import threading
import time
from pathlib import Path

import frappe
from frappe.tests.test_api import FrappeAPITestCase, make_request

from referral_crm.testing import RecordedServer, make_practice, make_provider, make_user, unique_npi

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.unit.referrals.fhir_examples import referral_bundle  # noqa: E402
from tests.unit.referrals.hl7_samples import ADT_A01, ADT_A04_BATCH_WRONG_COUNT, siu  # noqa: E402

FHIR = "/fhir/r4"
V2 = "/hl7/v2"


def keyed_user(roles: list[str]) -> tuple[str, dict]:
	user = make_user(roles)
	doc = frappe.get_doc("User", user)
	key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
	doc.api_key, doc.api_secret = key, secret
	doc.save(ignore_permissions=True)
	return user, {"Authorization": f"token {key}:{secret}"}


class TestEMRIntegration(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user, cls.auth = keyed_user(["Intake Coordinator"])
		cls.analyst, cls.analyst_auth = keyed_user(["Referral Analyst"])
		cls.practice = make_practice()
		cls.npi = unique_npi()
		cls.provider = make_provider(
			first_name="Adam",
			last_name=f"Careful{frappe.generate_hash(length=4)}",
			practices=[cls.practice.name],
		)
		frappe.db.set_value("Provider", cls.provider.name, "npi", cls.npi)
		frappe.db.commit()

	def request(self, method, path, body=None, headers=None, content_type="application/fhir+json"):
		kwargs = {"headers": headers or {}}
		if body is not None:
			kwargs["data"] = body if isinstance(body, str) else json.dumps(body)
			kwargs["content_type"] = content_type
		response = make_request(getattr(self.TEST_CLIENT, method), (path,), kwargs)
		frappe.db.rollback()  # read what the request committed on its own connection
		return response

	def bundle(self, sender_id=None, npi=None, family=None):
		bundle = referral_bundle()
		if family:
			bundle["entry"][1]["resource"]["name"][0]["family"] = family
		bundle["entry"][0]["resource"]["identifier"][0]["value"] = sender_id or frappe.generate_hash(
			length=10
		)
		bundle["entry"][2]["resource"]["identifier"][1]["value"] = npi or self.npi
		return bundle

	def send(self, bundle, headers=None):
		return self.request("post", FHIR, bundle, self.auth if headers is None else headers)

	def v2(self, text, headers=None):
		response = self.request(
			"post", V2, text, self.auth if headers is None else headers, "x-application/hl7-v2+er7"
		)
		return response, response.get_data(as_text=True)

	def test_metadata_answers_anyone(self):
		response = self.request("get", f"{FHIR}/metadata")
		self.assertEqual(response.status_code, 200)
		self.assertEqual(response.json["resourceType"], "CapabilityStatement")

	def test_a_referral_bundle_becomes_a_referral_once(self):
		bundle = self.bundle()
		bundle["entry"].append(
			{
				"fullUrl": "urn:uuid:6f1d0c54-0000-4000-8000-0000000000d1",
				"resource": {
					"resourceType": "DocumentReference",
					"status": "current",
					"content": [
						{
							"attachment": {
								"contentType": "application/pdf",
								"data": base64.b64encode(b"%PDF-1.4 packet").decode(),
								"title": "packet.pdf",
							}
						}
					],
				},
				"request": {"method": "POST", "url": "DocumentReference"},
			}
		)
		response = self.send(bundle)
		self.assertEqual(response.status_code, 201, response.text)
		locations = [e["response"]["location"] for e in response.json["entry"]]
		referral = locations[0].split("/")[1]
		self.assertEqual(locations[1], f"Practitioner/{self.provider.name}")  # matched by NPI
		self.assertEqual(locations[2], f"Organization/{self.practice.name}")
		self.assertTrue(locations[3].startswith("DocumentReference/"))
		doc = frappe.get_doc("Referral", referral)
		self.assertEqual(
			(doc.patient_first_name, doc.patient_last_name, str(doc.patient_date_of_birth), doc.channel),
			("Pieter", "van de Heuvel", "1944-11-17", "EHR / e-Referral"),
		)
		self.assertIn("osteoarthritis", doc.diagnosis)
		again = self.send(bundle)
		self.assertEqual(again.status_code, 200)
		self.assertEqual(again.json["entry"][0]["response"]["location"], f"ServiceRequest/{referral}")

	def test_an_unknown_npi_makes_a_provider_for_review(self):
		bundle = self.bundle(npi=unique_npi())
		bundle["entry"][2]["resource"]["name"][0]["family"] = "Careful" + frappe.generate_hash(length=6)
		response = self.send(bundle)
		self.assertEqual(response.status_code, 201, response.text)
		kind, provider = response.json["entry"][1]["response"]["location"].split("/")
		self.assertEqual(
			(kind, response.json["entry"][1]["response"]["status"]), ("Practitioner", "201 Created")
		)
		self.assertEqual(frappe.db.get_value("Provider", provider, "needs_review"), 1)

	def test_problems_come_back_as_an_operation_outcome_and_nothing_is_saved(self):
		before = frappe.db.count("Referral")
		bundle = self.bundle()
		del bundle["entry"][1]  # no patient
		response = self.send(bundle)
		self.assertEqual(response.status_code, 400)
		self.assertEqual(response.json["resourceType"], "OperationOutcome")
		self.assertEqual(response.json["issue"][0]["expression"], ["Bundle.entry[0].resource.subject"])
		big = self.bundle()
		big["entry"].append(
			{
				"resource": {
					"resourceType": "DocumentReference",
					"status": "current",
					"content": [
						{"attachment": {"data": base64.b64encode(b"x" * (10 * 1024 * 1024 + 1)).decode()}}
					],
				},
				"request": {"method": "POST", "url": "DocumentReference"},
			}
		)
		response = self.send(big)
		self.assertEqual((response.status_code, response.json["issue"][0]["code"]), (400, "too-long"))
		self.assertEqual(frappe.db.count("Referral"), before)

	def test_only_those_who_may_create_referrals_send_them(self):
		self.assertEqual(self.send(self.bundle(), headers={}).status_code, 401)
		response = self.send(self.bundle(), headers=self.analyst_auth)
		self.assertEqual((response.status_code, response.json["resourceType"]), (403, "OperationOutcome"))

	def test_the_service_request_and_its_task_are_read_with_the_status(self):
		referral = self.send(self.bundle()).json["entry"][0]["response"]["location"].split("/")[1]
		logged = frappe.db.count("PHI Access Log", {"reference_name": referral})
		request = self.request("get", f"{FHIR}/ServiceRequest/{referral}", headers=self.auth)
		self.assertEqual(request.status_code, 200, request.text)
		self.assertEqual(
			(request.json["status"], request.json["subject"]["display"]), ("active", "Pieter van de Heuvel")
		)
		self.assertEqual(frappe.db.count("PHI Access Log", {"reference_name": referral}), logged + 1)
		search = self.request("get", f"{FHIR}/Task?based-on=ServiceRequest/{referral}", headers=self.auth)
		(entry,) = search.json["entry"]
		self.assertEqual((entry["resource"]["status"], entry["resource"]["id"]), ("received", referral))
		analyst = self.request("get", f"{FHIR}/ServiceRequest/{referral}", headers=self.analyst_auth)
		self.assertEqual(analyst.json["subject"]["display"], "(patient data withheld)")
		self.assertEqual(
			self.request("get", f"{FHIR}/ServiceRequest/NOPE", headers=self.auth).status_code, 404
		)

	def test_v2_events_drive_the_referral_and_each_is_acknowledged(self):
		sender_id = frappe.generate_hash(length=10)
		family = "Heuvel" + "".join(c for c in frappe.generate_hash(length=12) if c.isalpha())[:6]
		referral = self.send(self.bundle(sender_id, family=family)).json["entry"][0]["response"]["location"]
		referral = referral.split("/")[1]
		control = frappe.generate_hash(length=8)
		booked = siu("S12", control, family.upper(), "PIETER", "19441117", "203003051000", order=sender_id)
		response, ack = self.v2(booked)
		self.assertEqual(response.status_code, 200)
		self.assertIn("MSA|AA|" + control, ack)
		doc = frappe.get_doc("Referral", referral)
		self.assertEqual((doc.status, str(doc.start_of_care)), ("Scheduled", "2030-03-05 10:00:00"))
		_response, again = self.v2(booked)  # sent twice: applied once, acknowledged twice
		self.assertIn("MSA|AA|" + control, again)
		self.assertEqual(frappe.db.count("HL7 Message", {"control_id": control}), 1)

		no_show = siu(
			"S26", frappe.generate_hash(length=8), family.upper(), "PIETER", "19441117", "203003051000"
		)
		self.assertIn("MSA|AA|", self.v2(no_show)[1])  # matched by name and date of birth
		self.assertEqual(frappe.db.get_value("Referral", referral, "no_show"), 1)

		admit = ADT_A01.replace("RUFUSS^MELLODIAL", f"{family.upper()}^PIETER").replace(
			"19521129", "19441117"
		)
		self.assertIn("MSA|AA|", self.v2(admit)[1])
		self.assertEqual(frappe.db.get_value("Referral", referral, "status"), "Admitted")
		self.assertEqual(
			str(frappe.db.get_value("Referral", referral, "start_of_care")), "2014-02-10 22:53:00"
		)

		# A discharge is the coordinators' step: the intake integration may not make it, and the message waits.
		discharge = admit.replace("ADT^A01", "ADT^A03").replace(
			"Q150084616T145947960", frappe.generate_hash(length=8)
		)
		ack = self.v2(discharge)[1]
		self.assertIn("MSA|AE|", ack)
		kept = frappe.get_all("HL7 Message", filters={"message_type": "ADT^A03", "status": "Error"}, limit=1)
		self.assertTrue(kept)
		self.assertEqual(frappe.db.get_value("Referral", referral, "status"), "Admitted")

	def test_messages_that_cannot_be_applied_are_kept_with_a_nak(self):
		response, ack = self.v2(ADT_A04_BATCH_WRONG_COUNT)
		self.assertIn("MSA|AR|", ack)
		self.assertTrue(frappe.db.exists("HL7 Message", {"status": "Error", "error": ("like", "%BTS-1%")}))
		unknown = siu("S12", frappe.generate_hash(length=8), "NOBODY", "KNOWN", "19000101", "203003051000")
		self.assertIn("MSA|AE|", self.v2(unknown)[1])
		self.assertEqual(self.v2(unknown, headers={})[0].status_code, 401)

	def test_the_mllp_listener_acknowledges_over_tcp(self):
		import asyncio

		import hl7.client

		from referral_crm.referrals.mllp import serve

		ready, holder = threading.Event(), {}
		site = frappe.local.site

		def run():
			loop = asyncio.new_event_loop()
			holder["loop"] = loop
			task = loop.create_task(
				serve(
					site,
					self.user,
					"127.0.0.1",
					0,
					(),
					lambda port: (holder.update(port=port), ready.set()),
				)
			)
			holder["task"] = task
			try:
				loop.run_until_complete(task)
			except asyncio.CancelledError:
				pass

		thread = threading.Thread(target=run, daemon=True)
		thread.start()
		self.assertTrue(ready.wait(10))
		try:
			with hl7.client.MLLPClient("127.0.0.1", holder["port"]) as client:
				control = frappe.generate_hash(length=8)
				ack = client.send_message(
					siu("S15", control, "NOBODY", "KNOWN", "19000101", "203003051000")
				).decode()
			self.assertIn(f"MSA|AE|{control}", ack)  # no referral: kept, not dropped
			frappe.db.rollback()
			self.assertEqual(
				frappe.db.get_value("HL7 Message", {"control_id": control}, ["transport", "status"]),
				("MLLP", "Error"),
			)
		finally:
			holder["loop"].call_soon_threadsafe(holder["task"].cancel)
			thread.join(10)


class TestTaskPush(FrappeAPITestCase):
	"""A local HTTP server plays the referrer's FHIR endpoint: up, refusing, down and slow."""

	def setUp(self):
		self.referral = frappe.get_doc(
			{
				"doctype": "Referral",
				"patient_first_name": "Pat",
				"patient_last_name": f"Push{frappe.generate_hash(length=4)}",
				"channel": "EHR / e-Referral",
				"external_id": f"urn:oid:1.2|{frappe.generate_hash(length=8)}",
				"received_at": frappe.utils.now_datetime(),
			}
		).insert()

	def tearDown(self):
		# deliver() commits each attempt: take this test's sends and referral away, not just roll back
		frappe.db.rollback()
		for name in frappe.get_all(
			"Outbound Document",
			filters={"reference_doctype": "Referral", "reference_name": self.referral.name},
			pluck="name",
		):
			frappe.delete_doc("Outbound Document", name, force=True, ignore_permissions=True)
		frappe.delete_doc(
			"Referral", self.referral.name, force=True, ignore_permissions=True, ignore_missing=True
		)
		frappe.db.set_single_value("Referral CRM Settings", "fhir_task_endpoint", None)
		frappe.db.commit()

	def push(self, url):
		from referral_crm.outreach.outbox import deliver

		frappe.db.set_single_value("Referral CRM Settings", "fhir_task_endpoint", url)
		self.referral.reload()
		self.referral.status = "Accepted"
		self.referral.save()
		(name,) = frappe.get_all(
			"Outbound Document",
			filters={"reference_name": self.referral.name, "channel": "FHIR"},
			pluck="name",
		)
		deliver(name)
		return frappe.get_doc("Outbound Document", name)

	def test_a_status_change_is_put_as_the_task(self):
		with RecordedServer(lambda r: (200, "application/fhir+json", b"{}")) as server:
			sent = self.push(server.url + "/fhir")
		self.assertEqual(sent.status, "Sent")
		(request,) = server.requests
		self.assertEqual((request["method"], request["path"]), ("PUT", f"/fhir/Task/{self.referral.name}"))
		task = json.loads(request["body"])
		self.assertEqual(
			(task["status"], task["basedOn"][0]["identifier"]["system"]), ("accepted", "urn:oid:1.2")
		)

	def test_a_refusal_fails_for_a_person_and_a_busy_server_is_retried(self):
		outcome = {
			"resourceType": "OperationOutcome",
			"issue": [{"severity": "error", "code": "invalid", "diagnostics": "unknown basedOn"}],
		}
		with RecordedServer(lambda r: (422, "application/fhir+json", json.dumps(outcome).encode())) as server:
			refused = self.push(server.url)
		self.assertEqual(refused.status, "Failed")
		self.assertIn("unknown basedOn", refused.last_error)
		self.assertTrue(
			frappe.db.exists("ToDo", {"reference_type": "Outbound Document", "reference_name": refused.name})
		)

	def test_a_server_that_is_down_is_retried_later(self):
		with RecordedServer(lambda r: (200, "application/json", b"{}")) as server:
			url = server.url
		down = self.push(url)  # nothing listens there any more
		self.assertEqual((down.status, down.attempts), ("Queued", 1))
		self.assertIsNotNone(down.next_attempt_at)

	def test_a_slow_server_is_retried_later(self):
		import referral_crm.integrations.fhir as client

		def slow(request):
			time.sleep(2)
			return 200, "application/json", b"{}"

		saved, client.TIMEOUT_SECONDS = client.TIMEOUT_SECONDS, (1, 1)
		try:
			with RecordedServer(slow) as server:
				late = self.push(server.url)
		finally:
			client.TIMEOUT_SECONDS = saved
		self.assertEqual(late.status, "Queued")
		self.assertIn("did not answer in time", late.last_error)
