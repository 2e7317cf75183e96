"""Data for the browser check of the ERPNext bridges (tests/browser/erpnext_bridges.js), on a site with
ERPNext, HRMS and Healthcare:

	bench --site SITE execute referral_crm.tests.bridges_browser.prepare
	(the browser approves the mileage log)
	bench --site SITE execute referral_crm.tests.bridges_browser.a_day_passes
	(the browser finds the no-show notice on the referral)

`a_day_passes` moves the booked appointment to yesterday and runs Healthcare's own daily job, which
marks past appointments No Show, as it does each night.
"""

import frappe
from frappe.utils import add_days, today

from referral_crm.testing import make_practice, make_provider, make_referral, make_user, move_referral
from referral_crm.tests.test_healthcare_bridge import book, gender
from referral_crm.tests.test_hrms_bridge import make_employee, mileage_claim_type

PASSWORD = "Bridges#Check2026"
MANAGER = "manager@bridges-check.example"
LIAISON = "liaison@bridges-check.example"
COORDINATOR = "coordinator@bridges-check.example"


def _user(email: str, role: str) -> str:
	make_user([role], email=email)
	doc = frappe.get_doc("User", email)
	doc.new_password = PASSWORD
	doc.save(ignore_permissions=True)
	return email


def prepare(days_ago: int = 1) -> dict:
	frappe.local.conf.throttle_user_limit = 10**6
	_user(MANAGER, "Referral Marketing Manager")
	_user(LIAISON, "Physician Liaison")
	_user(COORDINATOR, "Referral Coordinator")
	if not frappe.db.exists("Employee", {"user_id": LIAISON}):
		make_employee(LIAISON, first_name="Lena", last_name="Liaison")
	mileage_claim_type()
	day = add_days(today(), -int(days_ago))
	from referral_crm.field.mileage import build_mileage_log
	from referral_crm.testing import make_visit

	for i in range(3):
		practice = make_practice(zip_code="10451", latitude=40.80 + i * 0.02, longitude=-73.92)
		make_visit(
			practice.name,
			user=LIAISON,
			visit_datetime=f"{day} {9 + i}:00:00",
			checked_in_at=f"{day} {9 + i}:00:00",
			checkin_latitude=40.80 + i * 0.02,
			checkin_longitude=-73.92,
		)
	log = build_mileage_log(LIAISON, day)

	office = make_practice(email="frontdesk@bridges-clinic.example", referral_coordinator=COORDINATOR)
	provider = make_provider(practices=[office.name], first_name="Grace", phone="+12125550100")
	referral = make_referral(
		referring_provider=provider.name,
		referring_practice=office.name,
		attributed_coordinator=COORDINATOR,
		patient_first_name="Ada",
		patient_last_name=f"Bridgewater{frappe.generate_hash(length=4)}",
		patient_phone="+17185550142",
		patient_sex=gender(),
	)
	move_referral(referral, "Accepted")
	patient = frappe.db.get_value("Referral", referral.name, "healthcare_patient")
	appointment = book(patient, today(), appointment_time="23:30:00")
	frappe.db.commit()
	return {
		"mileage_log": log,
		"referral": referral.name,
		"patient": patient,
		"appointment": appointment.name,
	}


def a_day_passes(appointment: str) -> str:
	from healthcare.healthcare.doctype.patient_appointment.patient_appointment import (
		update_appointment_status,
	)

	frappe.db.set_value("Patient Appointment", appointment, "appointment_date", add_days(today(), -1))
	update_appointment_status()
	frappe.db.commit()
	return frappe.db.get_value("Patient Appointment", appointment, "status")
