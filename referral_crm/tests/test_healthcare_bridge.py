"""With Frappe Healthcare as the EMR: the referral's patient, its appointments and the first visit's note.

Runs on a site with ERPNext and Healthcare; elsewhere every test is skipped with the reason.
"""

import unittest
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from referral_crm.referrals.healthcare import BACK_LINK, healthcare_installed
from referral_crm.testing import label, make_practice, make_provider, make_referral, make_user, move_referral

NOT_HERE = "Healthcare is not installed on this site: referrals keep their own patient data and statuses"
MAKE = "frappe.core.doctype.communication.email.make"


def gender() -> str:
	if not frappe.db.exists("Gender", "Female"):
		frappe.get_doc({"doctype": "Gender", "gender": "Female"}).insert(ignore_permissions=True)
	return "Female"


def company() -> str:
	return frappe.db.get_value("Company", {}, "name", order_by="creation asc")


def department() -> str:
	name = "Home Health Nursing"
	if not frappe.db.exists("Medical Department", name):
		frappe.get_doc({"doctype": "Medical Department", "department": name}).insert(ignore_permissions=True)
	return name


def appointment_type() -> str:
	name = "Start of Care Visit"
	if not frappe.db.exists("Appointment Type", name):
		frappe.get_doc(
			{"doctype": "Appointment Type", "appointment_type": name, "allow_booking_for": "Department"}
		).insert(ignore_permissions=True)
	return name


def book(patient: str, day=None, **values):
	return frappe.get_doc(
		{
			"doctype": "Patient Appointment",
			"patient": patient,
			"appointment_type": appointment_type(),
			"appointment_for": "Department",
			"department": department(),
			"appointment_date": day or today(),
			"appointment_time": "10:00:00",
			"duration": 60,
			"company": company(),
			**values,
		}
	).insert(ignore_permissions=True)


class TestHealthcareBridge(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		if not healthcare_installed():
			raise unittest.SkipTest(NOT_HERE)
		super().setUpClass()

	def setUp(self):
		self.coordinator = make_user(["Referral Coordinator"])
		self.practice = make_practice(
			email="office@clinic.example.com", referral_coordinator=self.coordinator
		)
		self.provider = make_provider(
			practices=[self.practice.name], first_name="Grace", phone="+12125550100"
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def accepted(self, **values):
		referral = make_referral(
			**{
				"referring_provider": self.provider.name,
				"referring_practice": self.practice.name,
				"patient_first_name": "Ada",
				"patient_last_name": label("Reyes").replace(" ", ""),
				"patient_phone": "+17185550142",
				"patient_sex": gender(),
				**values,
			}
		)
		return move_referral(referral, "Accepted")

	def test_an_accepted_referral_registers_its_patient_once_linked_both_ways(self):
		referral = self.accepted()
		referral.reload()
		self.assertTrue(referral.healthcare_patient)
		patient = frappe.get_doc("Patient", referral.healthcare_patient)
		self.assertEqual(
			(patient.first_name, patient.last_name, str(patient.dob), patient.sex),
			("Ada", referral.patient_last_name, "1941-03-09", "Female"),
		)
		self.assertEqual(patient.get(BACK_LINK), referral.name)
		referral.save()
		self.assertEqual(
			frappe.db.count("Patient", {"last_name": referral.patient_last_name}), 1, "never twice"
		)
		self.assertTrue(
			frappe.db.exists("PHI Access Log", {"channel": "Healthcare", "reference_name": referral.name}),
			"the bridge's read of the patient is logged",
		)

	def test_a_known_patient_is_matched_and_an_uncertain_one_waits_for_a_person(self):
		last = label("Reyes").replace(" ", "")
		known = frappe.get_doc(
			{
				"doctype": "Patient",
				"first_name": "Ada",
				"last_name": last,
				"sex": gender(),
				"dob": "1941-03-09",
				"mobile": "(718) 555-0142",
			}
		).insert(ignore_permissions=True)
		referral = self.accepted(patient_last_name=last)
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "healthcare_patient"), known.name)

		doubtful = self.accepted(patient_last_name=last, patient_phone="+12125550199")
		self.assertFalse(frappe.db.get_value("Referral", doubtful.name, "healthcare_patient"))
		self.assertEqual(frappe.db.count("Patient", {"last_name": last}), 1, "no duplicate patient")
		todo = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Referral", "reference_name": doubtful.name},
			fields=["allocated_to", "description"],
		)
		self.assertEqual(len(todo), 1)
		self.assertEqual(todo[0].allocated_to, self.coordinator)
		self.assertIn("phone", todo[0].description)
		self.assertNotIn(last, todo[0].description, "no patient data in the ToDo")

		doubtful.reload()
		doubtful.healthcare_patient = known.name  # the person picks
		doubtful.save()
		self.assertEqual(frappe.db.get_value("Patient", known.name, BACK_LINK), doubtful.name)

	def test_appointments_schedule_and_admit_the_referral_and_name_the_referrer(self):
		referral = self.accepted()
		patient = frappe.db.get_value("Referral", referral.name, "healthcare_patient")
		appointment = book(patient, add_days(today(), 2))
		referral.reload()
		self.assertEqual(referral.status, "Scheduled")
		self.assertEqual(referral.healthcare_appointment, appointment.name)
		self.assertEqual(
			frappe.db.get_value("Patient Appointment", appointment.name, BACK_LINK), referral.name
		)
		practitioner = frappe.db.get_value("Patient Appointment", appointment.name, "referring_practitioner")
		self.assertEqual(
			frappe.db.get_value("Healthcare Practitioner", practitioner, ["first_name", "practitioner_type"]),
			("Grace", "External"),
		)

		visit = book(patient, today())
		visit.reload()
		visit.status = "Checked In"
		visit.save(ignore_permissions=True)
		referral.reload()
		self.assertEqual(referral.status, "Admitted")
		self.assertTrue(referral.start_of_care)
		self.assertEqual(referral.visit_note_status, "Due", "the visit-note clock runs from the first visit")

	def test_a_no_show_sends_the_notice_to_the_referring_office_once(self):
		referral = self.accepted()
		patient = frappe.db.get_value("Referral", referral.name, "healthcare_patient")
		with patch(MAKE, return_value={"name": "COMM-NS"}) as make:
			missed = book(patient, add_days(today(), -1))  # Healthcare marks a past appointment No Show
			self.assertEqual(missed.status, "No Show")
			missed.save(ignore_permissions=True)
		referral.reload()
		self.assertTrue(referral.no_show)
		self.assertEqual(len(make.call_args_list), 1, "one notice")
		self.assertEqual(make.call_args.kwargs["recipients"], "office@clinic.example.com")
		self.assertIn("did not keep", make.call_args.kwargs["content"])
		self.assertNotIn(referral.patient_last_name, make.call_args.kwargs["subject"])

	def test_the_submitted_encounter_of_the_first_visit_is_the_visit_note(self):
		referral = self.accepted()
		patient = frappe.db.get_value("Referral", referral.name, "healthcare_patient")
		appointment = book(patient, today())
		practitioner = frappe.get_doc(
			{"doctype": "Healthcare Practitioner", "first_name": label("Nurse"), "status": "Active"}
		).insert(ignore_permissions=True)
		encounter = frappe.get_doc(
			{
				"doctype": "Patient Encounter",
				"patient": patient,
				"appointment": appointment.name,
				"practitioner": practitioner.name,
				"company": company(),
				"encounter_date": today(),
				"encounter_time": "10:30:00",
				"encounter_comment": "Start of care: vitals stable, teaching done.",
			}
		).insert(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "status"), "Admitted")
		with patch("frappe.get_print", return_value=b"%PDF-1.4 visit note"):
			encounter.submit()
		referral.reload()
		self.assertEqual(referral.visit_note_encounter, encounter.name)
		self.assertEqual(frappe.db.get_value("Patient Encounter", encounter.name, BACK_LINK), referral.name)
		note = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Referral", "attached_to_name": referral.name},
			fields=["file_url", "is_private"],
		)
		self.assertEqual(len(note), 1)
		self.assertTrue(note[0].is_private)
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{
					"reference_name": referral.name,
					"allocated_to": self.coordinator,
					"description": ("like", "%visit note%"),
				},
			)
		)

	def test_referrals_not_yet_accepted_stay_out_of_the_emr(self):
		referral = make_referral(referring_practice=self.practice.name, patient_sex=gender())
		self.assertFalse(frappe.db.get_value("Referral", referral.name, "healthcare_patient"))

	def test_a_liaison_sees_no_patient_link(self):
		referral = self.accepted()
		liaison = make_user(["Physician Liaison"])
		frappe.set_user(liaison)
		meta = frappe.get_meta("Referral")
		self.assertEqual(meta.get_field("healthcare_patient").permlevel, 1)
		self.assertNotIn(1, meta.get_permlevel_access("read", user=liaison) or [0])
		frappe.set_user("Administrator")
		self.assertTrue(frappe.db.get_value("Referral", referral.name, "healthcare_patient"))


class TestWithoutHealthcare(FrappeTestCase):
	def test_the_bridge_is_silent_where_healthcare_is_absent(self):
		if healthcare_installed():
			raise unittest.SkipTest(
				"Healthcare is installed here; the plain-site case runs on a site without it"
			)
		referral = make_referral()
		move_referral(referral, "Accepted")
		self.assertFalse(frappe.get_meta("Referral").has_field("healthcare_patient"))
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "status"), "Accepted")
		frappe.db.rollback()
