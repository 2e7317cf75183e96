import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from referral_crm.testing import make_practice, make_provider, make_referral, make_territory, make_user

HEADER = "First,Last,DOB,Appt Date,Referring MD,Ref NPI,PCP\n"


class TestAppointmentImport(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.liaison = make_user(["Physician Liaison"])
		territory = make_territory(members=[(cls.liaison, "Physician Liaison")])
		cls.referring_practice = make_practice(referral_territory=territory.name)
		cls.referrer = make_provider(
			first_name="Ana",
			last_name=f"Rivera{frappe.generate_hash(length=4)}",
			practices=[cls.referring_practice.name],
		)
		cls.target = make_practice(referral_territory=territory.name)  # stage Target
		cls.pcp = make_provider(
			first_name="David",
			last_name=f"Cohen{frappe.generate_hash(length=4)}",
			practices=[cls.target.name],
		)
		cls.day = getdate("2026-11-23")

	def run_file(self, body, **mapping):
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"appts-{frappe.generate_hash(length=5)}.csv",
				"content": (HEADER + body).encode(),
				"is_private": 1,
			}
		).insert()
		values = {
			"patient_first_name_column": "First",
			"patient_last_name_column": "Last",
			"date_of_birth_column": "DOB",
			"appointment_date_column": "Appt Date",
			"referring_physician_column": "Referring MD",
			"referring_npi_column": "Ref NPI",
			"pcp_column": "PCP",
		}
		values.update(mapping)
		doc = frappe.get_doc(
			{"doctype": "Appointment Import", "appointment_file": file.file_url, **values}
		).insert()
		return doc, doc.run_import()

	def test_referrers_create_or_link_referrals_and_targeted_pcps_become_tasks(self):
		known = make_referral(
			referring_provider=self.referrer.name,
			patient_first_name="Li",
			patient_last_name="Wei",
			received_at=add_days(self.day, -3),
		)
		body = (
			f"Rosa,Diaz,3/9/1941,11/23/2026,,{self.referrer.npi},\n"
			f"Li,Wei,,11/23/2026,Dr. Ana {self.referrer.last_name},,\n"
			f"Omar,Ali,,11/23/2026,,,David {self.pcp.last_name}\n"
			"Sam,Lee,,11/23/2026,Nobody Known,,\n"
		)
		doc, result = self.run_file(body)
		self.assertEqual(
			(result["created"], result["linked"], result["pcp"], result["unmatched"]),
			(1, 1, 1, 1),
			doc.import_log,
		)
		self.assertIn(known.name, doc.import_log)
		created = frappe.get_all(
			"Referral",
			filters={"patient_last_name": "Diaz", "referring_provider": self.referrer.name},
			fields=["referring_practice"],
		)
		self.assertEqual([r.referring_practice for r in created], [self.referring_practice.name])
		todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Practice", "reference_name": self.target.name},
			fields=["allocated_to", "description"],
		)
		self.assertEqual([t.allocated_to for t in todos], [self.liaison])
		self.assertIn("Omar Ali", todos[0].description)

	def test_a_file_with_bad_rows_imports_nothing_and_says_which_lines(self):
		before = frappe.db.count("Referral")
		doc, result = self.run_file(
			f"Rosa,,,someday,,{self.referrer.npi},\nLi,Wei,,11/23/2026,,{self.referrer.npi},\n"
		)
		self.assertEqual(result["status"], "Failed")
		self.assertIn("line 2", doc.import_log)
		self.assertEqual(frappe.db.count("Referral"), before)

	def test_the_column_mapping_is_remembered(self):
		self.run_file("", patient_first_name_column="First")
		remembered = frappe.get_doc(
			{"doctype": "Appointment Import", "appointment_file": "/private/files/x.csv"}
		)
		remembered.remember_mapping()
		self.assertEqual((remembered.patient_last_name_column, remembered.pcp_column), ("Last", "PCP"))
