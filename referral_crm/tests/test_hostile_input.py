"""Hostile and malformed input on every way in: a clear error or a clean import, never a 500, never half-written.

Also: two users saving one referral over REST, bulk reads of patient data without the export
right, spreadsheet formulas, and markup in names and notes rendered by print formats and emails.
"""

import base64
import csv
import io
import json
import random

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.tests.utils import FrappeTestCase

from referral_crm.core.errors import DomainError
from referral_crm.testing import make_practice, make_provider, make_referral, make_territory, make_user

XSS = "<img src=x onerror=alert(1)>"
PAYLOADS = [
	XSS,
	"<script>alert(document.cookie)</script>",
	"{{ frappe.db.sql('select name from tabUser') }}",
	"{% for u in frappe.get_all('User') %}{{ u }}{% endfor %}",
	"'; DROP TABLE tabReferral; --",
	'" OR 1=1 --',
	'=HYPERLINK("http://evil.example","Click")',
	"+SUM(A1:A9)",
	"@SUM(1,1)",
	"\x00\x01\x02",
	"Ω≈ç√∫˜µ≤≥÷ 田中 ﷽",
	"\u202etxt.exe",
	"A" * 100_000,
	"",
	"   ",
]
REFUSED = (frappe.ValidationError, DomainError)


def bounded(call):
	"""'ok' or 'refused' (a clear error); anything else fails the test."""
	try:
		call()
	except REFUSED:
		return "refused"
	return "ok"


class TestHostileIntakeOverHTTP(FrappeAPITestCase):
	"""The intake API, fuzzed through real HTTP requests with an integration user's key."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user = make_user(["Intake Coordinator"])
		user = frappe.get_doc("User", cls.user)
		key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		user.api_key, user.api_secret = key, secret
		user.save(ignore_permissions=True)
		cls.headers = {"Authorization": f"token {key}:{secret}"}
		cls.prefix = f"FUZZ-{frappe.generate_hash(length=6)}-"
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		names = frappe.get_all("Referral", filters={"owner": cls.user}, pluck="name")
		frappe.db.delete(
			"File", {"attached_to_doctype": "Referral", "attached_to_name": ("in", names or [""])}
		)
		frappe.db.delete("Referral", {"name": ("in", names or [""])})
		frappe.db.delete("Provider", {"owner": cls.user})
		frappe.delete_doc("User", cls.user, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def cases(self):
		rng = random.Random(20261122)
		good = {
			"patient": {"first_name": "Walter", "last_name": "Nowak", "date_of_birth": "1941-03-09"},
			"referring_provider": {"first_name": "Ana", "last_name": "Rivera", "phone": "+17185550143"},
			"channel": "Fax",
			"diagnosis": "CHF",
		}
		fields = [
			("patient", "first_name"),
			("patient", "last_name"),
			("patient", "date_of_birth"),
			("patient", "phone"),
			("referring_provider", "npi"),
			("referring_provider", "last_name"),
			(None, "channel"),
			(None, "diagnosis"),
			(None, "received_at"),
			(None, "service_line"),
		]
		for payload in PAYLOADS:
			for section, field in fields:
				body = json.loads(json.dumps(good))
				(body[section] if section else body)[field] = payload
				yield body
		yield from (None, [], "text", 42, {"patient": None}, {"patient": []}, {"patient": "Walter"})
		yield {**good, "attachments": [{"file_name": "a.pdf", "content": "not base64 !!"}]}
		yield {
			**good,
			"attachments": [{"file_name": "../../etc/passwd", "content": base64.b64encode(b"x").decode()}],
		}
		yield {**good, "attachments": "nope"}
		for _ in range(40):  # random mixes of the payloads above
			body = json.loads(json.dumps(good))
			for section, field in rng.sample(fields, 3):
				(body[section] if section else body)[field] = rng.choice(PAYLOADS)
			yield body

	def test_hostile_bodies_get_a_clear_answer_and_leave_nothing_half_written(self):
		path = "/api/method/referral_crm.api.intake.create_referral"
		outcomes = {}
		for number, body in enumerate(self.cases()):
			external_id = f"{self.prefix}{number}"
			if isinstance(body, dict):
				body["external_id"] = external_id
			response = self.post(path, body, headers=self.headers)
			with self.subTest(case=number, body=str(body)[:200]):
				self.assertIn(response.status_code, (200, 400, 417), response.data[:400])
				frappe.db.rollback()
				made = frappe.db.count("Referral", {"external_id": external_id})
				if response.status_code == 200:
					self.assertEqual(made, 1)
					referral = frappe.get_doc("Referral", response.json["message"]["name"])
					self.assertNotIn("<script", referral.diagnosis or "")
					self.assertNotIn("onerror", referral.diagnosis or "")
				else:
					self.assertEqual(made, 0, "a refused referral leaves no record")
					told = response.json.get("_server_messages") or response.json.get("exception", "")
					self.assertTrue(told, "the caller is told why")
					self.assertNotIn("Traceback", told)
			outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
		self.assertGreater(outcomes.get(200, 0), 10)
		self.assertGreater(sum(v for k, v in outcomes.items() if k != 200), 10)
		self.assertGreaterEqual(sum(outcomes.values()), 200)


class TestHostileFiles(FrappeTestCase):
	"""Every upload (outreach spreadsheet, appointment file, NPPES file) with malformed and hostile files."""

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def files(self):
		from referral_crm.tests.test_outreach_sheet_import import HEADER

		def sheet(rows, encoding="utf-8"):
			out = io.StringIO()
			csv.writer(out).writerows([HEADER, *rows])
			return out.getvalue().encode(encoding, errors="replace")

		agent = frappe.db.get_value("User", "Administrator", "first_name")
		row = [agent, "11/12/2019", "CONNECTED", "Spoke to Lisa.", "Call back", "Carlos", "Ortiz", "M"]
		row += [
			"Primary Care Provider (PCP)",
			"7189398440",
			"7189395378",
			"14242 41st Ave",
			"",
			"Flushing",
			"NY",
			"11355",
		]
		yield b"\x00\x01\x02\xff\xfe garbage"
		yield "Name,Phone\nÅngström,+1\n".encode("utf-16")
		yield sheet([])
		yield sheet([row], encoding="latin-1")
		yield ",".join(HEADER).encode() + b"\n" + b'"unterminated,quote\n'
		for payload in PAYLOADS:
			for column in range(len(row)):
				hostile = list(row)
				hostile[column] = payload
				yield sheet([hostile])
		yield sheet([row * 40])  # far too many columns
		yield sheet([row[:2]])  # far too few

	def count(self):
		return {d: frappe.db.count(d) for d in ("Practice", "Provider", "Contact", "Referral", "ToDo")}

	def upload(self, content: bytes, extension="csv") -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"hostile-{frappe.generate_hash(length=6)}.{extension}",
					"content": content,
					"is_private": 1,
				}
			)
			.insert()
			.file_url
		)

	def test_outreach_sheets(self):
		tried = 0
		for content in self.files():
			before = self.count()

			def run():
				doc = frappe.get_doc(
					{"doctype": "Outreach Sheet Import", "import_file": self.upload(content)}
				)
				doc.insert()
				doc.run_import()

			with self.subTest(case=tried, content=content[:120]):
				if bounded(run) == "refused":
					self.assertEqual(self.count(), before, "a refused sheet imports nothing")
				else:
					self.assertFalse(
						frappe.db.exists("Practice", {"practice_name": ("like", "=%")}), "no formula stored"
					)
			frappe.db.rollback()
			tried += 1
		self.assertGreaterEqual(tried, 140)

	def test_appointment_files(self):
		tried = 0
		mapping = {
			"patient_first_name_column": "First",
			"patient_last_name_column": "Last",
			"date_of_birth_column": "DOB",
			"appointment_date_column": "Appt Date",
			"referring_physician_column": "Referring MD",
			"referring_npi_column": "Ref NPI",
			"pcp_column": "PCP",
		}
		header = "First,Last,DOB,Appt Date,Referring MD,Ref NPI,PCP\n"
		row = ["Walter", "Nowak", "1941-03-09", "2026-11-23", "Ana Rivera", "", "David Cohen"]
		bodies = [b"\xff\xfe\x00garbage", header.encode("utf-16"), header.encode()]
		for payload in PAYLOADS:
			for column in range(len(row)):
				hostile = list(row)
				hostile[column] = payload
				out = io.StringIO()
				csv.writer(out).writerow(hostile)
				bodies.append((header + out.getvalue()).encode())
		for content in bodies:
			before = self.count()

			def run():
				doc = frappe.get_doc(
					{"doctype": "Appointment Import", "appointment_file": self.upload(content), **mapping}
				)
				doc.insert()
				doc.run_import()

			with self.subTest(case=tried, content=content[:120]):
				if bounded(run) == "refused":
					self.assertEqual(self.count(), before, "a refused file imports nothing")
			frappe.db.rollback()
			tried += 1
		self.assertGreaterEqual(tried, 100)

	def test_nppes_files(self):
		import os
		import tempfile

		from referral_crm.core.referral_sources.nppes import NPPES_HEADER, NppesFilter, read_nppes
		from referral_crm.referral_sources.nppes import NppesImporter
		from referral_crm.tests.test_nppes_import import individual

		rows = []
		for payload in PAYLOADS:
			for column in (
				"Provider First Name",
				"Provider Last Name (Legal Name)",
				"Provider First Line Business Practice Location Address",
				"Provider Business Practice Location Address Postal Code",
				"NPI",
			):
				row = individual("1245319599", "ANA", "RIVERA", "1 MAIN ST")
				row[NPPES_HEADER.index(column)] = payload
				rows.append(row)
		contents = [b"", b"\x00\xff garbage", ",".join(NPPES_HEADER).encode("utf-16")]
		for row in rows:
			out = io.StringIO()
			csv.writer(out).writerows([NPPES_HEADER, row])
			contents.append(out.getvalue().encode())
		tried = 0
		for content in contents:
			handle, path = tempfile.mkstemp(suffix=".csv")
			with os.fdopen(handle, "wb") as f:
				f.write(content)
			before = self.count()
			with self.subTest(case=tried, content=content[:80]):
				if (
					bounded(lambda: NppesImporter(batch_size=3).run(read_nppes(path, NppesFilter())))
					== "refused"
				):
					self.assertEqual(self.count(), before)
				self.assertFalse(frappe.db.exists("Practice", {"practice_name": ("like", "=%")}))
			os.unlink(path)
			frappe.db.rollback()
			tried += 1
		self.assertGreaterEqual(tried, 70)


class TestConcurrentSavesAndBulkReads(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.keys = {}
		cls.first, cls.second = make_user(["Intake Coordinator"]), make_user(["Intake Coordinator"])
		cls.liaison = make_user(["Physician Liaison"])
		cls.territory = make_territory(members=[(cls.liaison, "Physician Liaison")])
		cls.practice = make_practice(referral_territory=cls.territory.name)
		cls.referral = make_referral(referring_practice=cls.practice.name, channel="Fax")
		for user in (cls.first, cls.second, cls.liaison):
			doc = frappe.get_doc("User", user)
			key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
			doc.api_key, doc.api_secret = key, secret
			doc.save(ignore_permissions=True)
			cls.keys[user] = {"Authorization": f"token {key}:{secret}"}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.delete("Referral", {"name": cls.referral.name})
		frappe.db.delete("Practice", {"name": cls.practice.name})
		frappe.delete_doc("Referral Territory", cls.territory.name, force=True, ignore_permissions=True)
		for user in cls.keys:
			frappe.db.delete("PHI Access Log", {"user": user})
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_the_second_of_two_saves_gets_a_conflict_and_nothing_is_overwritten(self):
		path = f"/api/resource/Referral/{self.referral.name}"
		read = self.get(path, headers=self.keys[self.first]).json["data"]["modified"]
		self.assertEqual(self.get(path, headers=self.keys[self.second]).json["data"]["modified"], read)

		first = self.put(path, {"channel": "Phone", "modified": read}, headers=self.keys[self.first])
		self.assertEqual(first.status_code, 200, first.data[:300])
		second = self.put(path, {"channel": "Email", "modified": read}, headers=self.keys[self.second])
		self.assertEqual(second.status_code, 417)
		self.assertIn("TimestampMismatchError", second.json["exc_type"])
		blind = self.put(path, {"channel": "Email"}, headers=self.keys[self.second])
		self.assertEqual(blind.status_code, 417)
		self.assertIn("modified", json.loads(json.loads(blind.json["_server_messages"])[0])["message"])
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Referral", self.referral.name, "channel"), "Phone")

	def test_reading_every_referral_at_once_needs_the_export_right(self):
		for path in (
			"/api/resource/Referral?limit_page_length=0",
			"/api/resource/Referral?limit_page_length=5000",
			"/api/method/frappe.client.get_list?doctype=Referral&limit_page_length=0",
		):
			with self.subTest(path=path):
				self.assertEqual(self.get(path, headers=self.keys[self.liaison]).status_code, 403)
		self.assertEqual(
			self.post(
				"/api/method/frappe.desk.reportview.get",
				{"doctype": "Referral", "fields": '["name"]', "page_length": 100000},
				headers=self.keys[self.liaison],
			).status_code,
			403,
		)
		self.assertEqual(
			self.get(
				"/api/resource/Referral?limit_page_length=100", headers=self.keys[self.liaison]
			).status_code,
			200,
		)


class TestMarkupAndFormulas(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_formula_never_becomes_a_practice_name(self):
		with self.assertRaises(frappe.ValidationError):
			make_practice(practice_name='=HYPERLINK("http://evil.example","Click")')
		practice = make_practice(practice_name="A-1 Family Care", phone="+1 718 555 0143")
		self.assertEqual(practice.practice_name, "A-1 Family Care")

	def test_markup_in_names_and_notes_is_inert_in_print_formats_and_emails(self):
		practice = make_practice()
		provider = make_provider(practices=[practice.name])
		referral = make_referral(referring_provider=provider.name, patient_last_name="Nowak")
		# stored straight in the table, as an import or an older version could have left it
		frappe.db.set_value("Practice", practice.name, {"practice_name": XSS, "city": XSS})
		frappe.db.set_value("Provider", provider.name, "provider_name", XSS)
		frappe.db.set_value("Referral", referral.name, {"patient_last_name": XSS, "diagnosis": XSS})
		frappe.set_user(make_user(["Referral Marketing Manager"]))
		rendered = {
			"flyer": frappe.get_print("Practice", practice.name, "Practice Fax Flyer"),
			"postcard": frappe.get_print("Practice", practice.name, "Practice Postcard"),
			"status sheet": frappe.get_print("Practice", practice.name, "Weekly Patient Status"),
			"thank-you letter": frappe.get_print("Referral", referral.name, "Referral Thank You Letter"),
			"notice email": frappe.render_template(
				"referral_crm/templates/emails/referral_notice.html",
				{
					"practice": frappe.get_doc("Practice", practice.name),
					"referral": frappe.get_doc("Referral", referral.name),
					"patient": XSS,
					"received": "today",
					"event": "No-Show",
				},
			),
			"visit note email": frappe.render_template(
				"referral_crm/templates/emails/visit_note.html",
				{"practice": frappe.get_doc("Practice", practice.name), "patient": XSS},
			),
		}
		for what, html in rendered.items():
			with self.subTest(what=what):
				self.assertNotIn("<img src=x", html)
		self.assertIn("&lt;img src=x onerror=alert(1)&gt;", rendered["flyer"])
