"""The intake API through HTTP requests, authenticated by API key, as an EHR or fax server would call it."""

import base64

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.tests.utils import FrappeTestCase

from referral_crm.testing import make_practice, make_provider, make_user

METHOD = "referral_crm.api.intake.create_referral"


class TestIntakeAPI(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.prefix = f"IT-{frappe.generate_hash(length=6)}-"
		cls.user = make_user(["Intake Coordinator"])
		user = frappe.get_doc("User", cls.user)
		cls.api_key, cls.api_secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		user.api_key, user.api_secret = cls.api_key, cls.api_secret
		user.save(ignore_permissions=True)
		cls.practice = make_practice()
		cls.provider = make_provider(
			first_name="Ana",
			last_name=f"Rivera{frappe.generate_hash(length=4)}",
			practices=[cls.practice.name],
			fax="+17185550143",
		)
		frappe.db.commit()  # the requests below run on their own connection

	@classmethod
	def tearDownClass(cls):
		for name in frappe.get_all(
			"Referral", filters={"external_id": ("like", f"{cls.prefix}%")}, pluck="name"
		):
			frappe.delete_doc("Referral", name, force=True)
		frappe.db.commit()
		super().tearDownClass()

	def call(self, body, token=True):
		headers = {"Authorization": f"token {self.api_key}:{self.api_secret}"} if token else {}
		response = self.post(self.method(METHOD), body, headers=headers)
		frappe.db.rollback()  # read what the request committed on its own connection
		return response

	def body(self, **overrides):
		values = {
			"external_id": f"{self.prefix}{frappe.generate_hash(length=6)}",
			"channel": "Fax",
			"patient": {"first_name": "John", "last_name": "Smith", "date_of_birth": "1940-01-02"},
			"referring_provider": {"npi": self.provider.npi},
			"diagnosis": "CHF",
		}
		values.update(overrides)
		return values

	def test_referral_by_npi_with_an_attachment(self):
		pdf = base64.b64encode(b"%PDF-1.4 referral fax").decode()
		response = self.call(self.body(attachments=[{"filename": "fax.pdf", "content_base64": pdf}]))
		self.assertEqual(response.status_code, 200, response.text)
		result = response.json["message"]
		self.assertEqual(
			(result["referring_provider"], result["referring_provider_matched_by"]),
			(self.provider.name, "npi"),
		)
		self.assertEqual(result["referring_practice"], self.practice.name)
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Referral", "attached_to_name": result["name"]},
			fields=["is_private"],
		)
		self.assertEqual([f.is_private for f in files], [1])

	def test_the_same_external_id_twice_makes_one_referral(self):
		body = self.body()
		first = self.call(body).json["message"]
		second = self.call(body).json["message"]
		self.assertEqual((second["name"], second["duplicate"]), (first["name"], True))
		self.assertEqual(frappe.db.count("Referral", {"external_id": body["external_id"]}), 1)

	def test_another_system_sending_the_same_id_gets_its_own_referral(self):
		body = self.body()
		ours = self.call(body).json["message"]
		other = make_user(["Intake Coordinator"])
		key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		user = frappe.get_doc("User", other)
		user.api_key, user.api_secret = key, secret
		user.save(ignore_permissions=True)
		frappe.db.commit()
		response = self.post(self.method(METHOD), body, headers={"Authorization": f"token {key}:{secret}"})
		frappe.db.rollback()
		theirs = response.json["message"]
		self.assertFalse(theirs["duplicate"])
		self.assertNotEqual(theirs["name"], ours["name"])
		self.assertEqual(
			frappe.db.get_value("Referral", theirs["name"], ["external_id", "source_system"]),
			(body["external_id"], other),
		)

	def test_ten_callers_at_once_get_one_referral_and_the_same_answer(self):
		from concurrent.futures import ThreadPoolExecutor
		from unittest.mock import patch

		from frappe.utils import get_test_client

		body = self.body()
		headers = {"Authorization": f"token {self.api_key}:{self.api_secret}"}
		path = self.method(METHOD)  # here: the threads have no site context of their own yet

		def send(_):
			return get_test_client().post(path, json=body, headers=headers)

		with patch("frappe.app.get_site_name", return_value=frappe.local.site):
			with ThreadPoolExecutor(10) as pool:
				responses = list(pool.map(send, range(10)))
		frappe.db.rollback()
		self.assertEqual([r.status_code for r in responses], [200] * 10, [r.text[:200] for r in responses])
		answers = [r.json["message"] for r in responses]
		self.assertEqual(len({a["name"] for a in answers}), 1)
		self.assertEqual(sorted(a["duplicate"] for a in answers), [False] + [True] * 9)
		self.assertEqual(frappe.db.count("Referral", {"external_id": body["external_id"]}), 1)

	def test_ten_referrals_from_a_new_practice_at_once_are_all_kept(self):
		"""The first referrals of a practice move its stage; sent at the same moment, each request
		used to read the practice from before the others committed and lose its referral to
		"Document has been modified after you have opened it"."""
		from concurrent.futures import ThreadPoolExecutor
		from unittest.mock import patch

		from frappe.utils import get_test_client

		practice = make_practice(account_stage="Target")
		provider = make_provider(practices=[practice.name])
		frappe.db.commit()
		headers = {"Authorization": f"token {self.api_key}:{self.api_secret}"}
		path = self.method(METHOD)
		bodies = [self.body(referring_provider={"npi": provider.npi}) for _ in range(10)]

		def send(body):
			return get_test_client().post(path, json=body, headers=headers)

		with patch("frappe.app.get_site_name", return_value=frappe.local.site):
			with ThreadPoolExecutor(10) as pool:
				responses = list(pool.map(send, bodies))
		frappe.db.rollback()
		self.assertEqual([r.status_code for r in responses], [200] * 10, [r.text[-300:] for r in responses])
		self.assertEqual(frappe.db.count("Referral", {"referring_practice": practice.name}), 10)
		self.assertEqual(frappe.db.get_value("Practice", practice.name, "account_stage"), "Referring")
		moves = frappe.get_all(
			"Account Stage Change", filters={"practice": practice.name}, pluck="to_stage", order_by="creation"
		)
		self.assertEqual(moves.count("Referring"), 1, moves)

	def test_referrer_matched_by_name_and_fax(self):
		body = self.body(
			referring_provider={"name": f"Dr. Ana {self.provider.last_name}, MD", "fax": "(718) 555-0143"}
		)
		result = self.call(body).json["message"]
		self.assertEqual(
			(result["referring_provider"], result["referring_provider_matched_by"]),
			(self.provider.name, "name"),
		)

	def test_an_unknown_referrer_is_created_for_review_never_dropped(self):
		last = f"Okafor{frappe.generate_hash(length=4)}"
		result = self.call(self.body(referring_provider={"first_name": "Kwame", "last_name": last})).json[
			"message"
		]
		self.assertEqual(result["referring_provider_matched_by"], "created")
		self.assertTrue(frappe.db.get_value("Provider", result["referring_provider"], "needs_review"))
		frappe.delete_doc("Referral", result["name"], force=True)
		frappe.delete_doc("Provider", result["referring_provider"], force=True)
		frappe.db.commit()

	def test_bad_input_gets_a_clear_error_and_nothing_is_saved(self):
		for body, words in (
			(self.body(patient={"first_name": "John"}), "patient.last_name"),
			(self.body(channel="Pigeon"), "channel"),
			(self.body(referring_provider={"npi": "1234567890"}), "not a valid NPI"),
			(self.body(attachments=[{"filename": "x.pdf", "content_base64": "%%%"}]), "base64"),
		):
			response = self.call(body)
			self.assertEqual(response.status_code, 417, body)
			self.assertIn(words, response.text)
			self.assertFalse(frappe.db.exists("Referral", {"external_id": body["external_id"]}))

	def test_without_credentials_or_rights_nothing_is_created(self):
		self.assertEqual(self.call(self.body(), token=False).status_code, 403)


class TestIntakeRateLimit(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_each_integration_user_has_its_own_limit(self):
		from unittest.mock import patch

		from referral_crm.referrals import intake

		first, second = make_user(["Intake Coordinator"]), make_user(["Intake Coordinator"])
		with patch.object(intake, "PER_MINUTE", 2):
			frappe.set_user(first)
			intake._within_rate_limit()
			intake._within_rate_limit()
			with self.assertRaises(frappe.RateLimitExceededError):
				intake._within_rate_limit()
			frappe.set_user(second)
			intake._within_rate_limit()  # another integration is not held back
