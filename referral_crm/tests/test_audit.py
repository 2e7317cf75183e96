"""Patient data through every channel, over HTTP: a level-0 role never sees it, and every read is logged."""

import json

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils.file_manager import save_file

from referral_crm.testing import (
	make_practice,
	make_referral,
	make_territory,
	make_user,
	serve_assets_for_pdfs,
)

PATIENT, DIAGNOSIS = "Quixotezebulon", "Metastatic pancreatic"


class TestPHIOverHTTP(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		serve_assets_for_pdfs(cls)
		cls.manager = make_user(["Referral Marketing Manager"])
		cls.liaison = make_user(["Physician Liaison"])
		cls.stranger = make_user(["Physician Liaison"])
		cls.territory = make_territory(members=[(cls.liaison, "Physician Liaison")])
		cls.other_territory = make_territory(members=[(cls.stranger, "Physician Liaison")])
		cls.practice = make_practice(referral_territory=cls.territory.name)
		cls.referral = make_referral(
			referring_practice=cls.practice.name, patient_last_name=PATIENT, diagnosis=DIAGNOSIS
		)
		cls.file = save_file(
			"face-sheet.pdf",
			f"%PDF-1.4 face sheet of {PATIENT} {frappe.generate_hash()}".encode(),
			"Referral",
			cls.referral.name,
			is_private=1,
		)
		cls.keys = {}
		for user in (cls.manager, cls.liaison, cls.stranger):
			doc = frappe.get_doc("User", user)
			key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
			doc.api_key, doc.api_secret = key, secret
			doc.save(ignore_permissions=True)  # the saved document holds asterisks for the secret
			cls.keys[user] = f"token {key}:{secret}"
		frappe.db.commit()  # the requests run on their own connection

	@classmethod
	def tearDownClass(cls):
		frappe.db.delete("PHI Access Log", {"user": ("in", list(cls.keys))})
		frappe.delete_doc("File", cls.file.name, force=True, ignore_permissions=True)
		frappe.db.delete("Referral", {"name": cls.referral.name})
		frappe.db.delete("Practice", {"name": cls.practice.name})
		for territory in (cls.territory, cls.other_territory):
			frappe.delete_doc("Referral Territory", territory.name, force=True, ignore_permissions=True)
		for user in cls.keys:
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def as_user(self, user, method, path, data=None):
		headers = {"Authorization": self.keys[user]}
		if method == "GET":
			return self.get(path, data, headers=headers)
		return self.post(path, data, headers=headers)

	def channels(self):
		"""Each way the desk or a client reads a referral: (channel, method, path, body)."""
		name = self.referral.name
		fields = json.dumps(["name", "patient_last_name", "diagnosis"])
		filters = json.dumps([["Referral", "name", "=", name]])
		return [
			("REST", "GET", f"/api/resource/Referral/{name}", None),
			("REST", "GET", f"/api/resource/Referral?fields={fields}&filters={filters}", None),
			("API", "GET", f"/api/method/frappe.client.get?doctype=Referral&name={name}", None),
			(
				"Desk Form",
				"GET",
				f"/api/method/frappe.desk.form.load.getdoc?doctype=Referral&name={name}",
				None,
			),
			(
				"List or Report View",
				"POST",
				"/api/method/frappe.desk.reportview.get",
				{"doctype": "Referral", "fields": fields, "filters": filters, "view": "Report"},
			),
			(
				"API",
				"POST",
				"/api/method/frappe.client.get_list",
				{"doctype": "Referral", "fields": fields, "filters": filters},
			),
			("Print", "GET", f"/printview?doctype=Referral&name={name}&format=Standard", None),
			(
				"Print",
				"GET",
				f"/api/method/frappe.utils.print_format.download_pdf?doctype=Referral&name={name}",
				None,
			),
			(
				"App Report",
				"POST",
				"/api/method/frappe.desk.query_report.run",
				{"report_name": "Referral Funnel", "filters": json.dumps({})},
			),
			(
				"Search",
				"POST",
				"/api/method/frappe.desk.search.search_link",
				{"doctype": "Referral", "txt": name},
			),
			("File Download", "GET", self.file.file_url, None),
		]

	def test_a_level_0_role_sees_no_patient_data_on_any_channel(self):
		for channel, method, path, data in self.channels():
			with self.subTest(channel=channel, path=path):
				response = self.as_user(self.liaison, method, path, data)
				self.assertIn(response.status_code, (200, 403), response.data[:300])
				self.assertNotIn(PATIENT.encode(), response.data)
				self.assertNotIn(DIAGNOSIS.encode(), response.data)

	def test_without_a_session_a_patient_file_is_forbidden(self):
		response = self.get(self.file.file_url)
		self.assertEqual(response.status_code, 403)
		self.assertNotIn(PATIENT.encode(), response.data)

	def test_another_territorys_liaison_cannot_read_the_referral_at_all(self):
		for _, method, path, data in self.channels():
			if "query_report" in path:
				continue  # a report of counts; no record in it
			with self.subTest(path=path):
				response = self.as_user(self.stranger, method, path, data)
				self.assertIn(response.status_code, (200, 403), response.data[:300])
				self.assertNotIn(PATIENT.encode(), response.data)
				if response.status_code == 200:  # a list or search: the referral is not in it
					self.assertNotIn(self.referral.name.encode(), response.data)

	def test_every_read_by_a_phi_role_is_logged_with_its_channel(self):
		for channel, method, path, data in self.channels():
			with self.subTest(channel=channel, path=path):
				before = frappe.db.count("PHI Access Log", {"user": self.manager, "channel": channel})
				response = self.as_user(self.manager, method, path, data)
				self.assertEqual(response.status_code, 200, response.data[:300])
				frappe.db.rollback()  # see what the request's own connection committed
				entries = frappe.get_all(
					"PHI Access Log",
					filters={"user": self.manager, "channel": channel},
					fields=["reference_name", "records", "row_count", "ip_address", "reference_doctype"],
					order_by="accessed_at desc, creation desc",
				)
				self.assertEqual(len(entries), before + 1)
				entry = entries[0]
				self.assertEqual(entry.reference_doctype, "Referral")
				self.assertTrue(entry.ip_address)
				if channel != "App Report":
					self.assertIn(self.referral.name, (entry.records or "").split("\n"))

	def test_the_log_is_read_only_even_for_a_manager_and_answers_who_looked(self):
		self.as_user(self.manager, "GET", f"/api/resource/Referral/{self.referral.name}")
		frappe.db.rollback()
		entry = frappe.get_last_doc("PHI Access Log", filters={"user": self.manager})
		frappe.set_user(self.manager)
		try:
			self.assertTrue(frappe.has_permission("PHI Access Log", "read", entry.name))
			self.assertFalse(frappe.has_permission("PHI Access Log", "write", entry.name))
			self.assertFalse(frappe.has_permission("PHI Access Log", "delete", entry.name))
			from referral_crm.compliance.report.phi_access.phi_access import execute

			_, rows = execute({"referral": self.referral.name})
			self.assertIn(self.manager, {r.user for r in rows})
			_, rows = execute({"user": self.liaison})
			self.assertNotIn(self.manager, {r.user for r in rows})
		finally:
			frappe.set_user("Administrator")
		with self.assertRaises(frappe.PermissionError):
			frappe.delete_doc("PHI Access Log", entry.name)  # not even the Administrator
		entry.reload()
		entry.channel = "Portal"
		with self.assertRaises(frappe.PermissionError):
			entry.save()
		frappe.db.rollback()
