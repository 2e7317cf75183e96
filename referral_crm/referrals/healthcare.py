"""With Frappe Healthcare as the agency's EMR: the referral finds its Patient, the patient's appointments
move the referral, and the first visit's Patient Encounter is the visit note for the referring office.

Nothing here runs without Healthcare: each entry point asks `healthcare_installed()` first, and the
fields linking the two sides are custom fields made only while Healthcare is installed (install.py).
On the referral they sit at permission level 1 with the rest of the patient data; on Healthcare's
documents only the referral's number shows, which opens only for those who may read referrals. Every
read of a referral's patient data by the bridge is written to the PHI Access Log (channel Healthcare).
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from referral_crm.compliance.audit import record
from referral_crm.core.referrals.healthcare import (
	CREATE,
	LINKED_STATUSES,
	MATCH,
	is_no_show,
	match_patient,
	moves_for_appointment,
)
from referral_crm.core.referrals.referral import (
	ADMITTED,
	ADMITTED_STATUSES,
	CANCELLED,
	DISCHARGED,
	NOT_ADMITTED,
)
from referral_crm.todos import todo

HEALTHCARE = "healthcare"
PATIENT, APPOINTMENT, ENCOUNTER = "Patient", "Patient Appointment", "Patient Encounter"
BACK_LINK = "referral_crm_referral"  # on Patient, Patient Appointment and Patient Encounter
CHANNEL = "Healthcare"
CLOSED_STATUSES = (DISCHARGED, NOT_ADMITTED, CANCELLED)


def _back_link(insert_after: str, read_only: int = 1) -> dict:
	return {
		"fieldname": BACK_LINK,
		"label": "Referral",
		"fieldtype": "Link",
		"options": "Referral",
		"insert_after": insert_after,
		"read_only": read_only,
		"no_copy": 1,
		"search_index": 1,
		"allow_on_submit": 1,
	}


CUSTOM_FIELDS = {
	"Referral": [
		{
			"fieldname": "patient_sex",
			"label": "Patient Sex",
			"fieldtype": "Link",
			"options": "Gender",
			"insert_after": "patient_date_of_birth",
			"permlevel": 1,
			"description": "Needed to register the patient in Healthcare",
		},
		{
			"fieldname": "healthcare_patient",
			"label": "Healthcare Patient",
			"fieldtype": "Link",
			"options": PATIENT,
			"insert_after": "patient_phone",
			"permlevel": 1,
			"description": "Found or registered once the referral is accepted; pick it here when the match was uncertain",
		},
		{
			"fieldname": "healthcare_appointment",
			"label": "First Appointment",
			"fieldtype": "Link",
			"options": APPOINTMENT,
			"insert_after": "healthcare_patient",
			"permlevel": 1,
			"read_only": 1,
		},
		{
			"fieldname": "visit_note_encounter",
			"label": "Visit Note Encounter",
			"fieldtype": "Link",
			"options": ENCOUNTER,
			"insert_after": "healthcare_appointment",
			"permlevel": 1,
			"read_only": 1,
		},
	],
	PATIENT: [_back_link("dob")],
	APPOINTMENT: [_back_link("referring_practitioner", read_only=0)],
	ENCOUNTER: [_back_link("appointment")],
}


def healthcare_installed() -> bool:
	return HEALTHCARE in frappe.get_installed_apps() and bool(frappe.db.exists("DocType", APPOINTMENT))


def _bridged() -> bool:
	return healthcare_installed() and frappe.get_meta("Referral").has_field("healthcare_patient")


# The patient ------------------------------------------------------------------------------------------


def link_patient(referral) -> str | None:
	"""Referral.on_update: an accepted (or later) referral finds or registers its Healthcare Patient, once."""
	if not _bridged() or referral.status not in LINKED_STATUSES:
		return None
	if referral.healthcare_patient:
		_set_back_link(PATIENT, referral.healthcare_patient, referral.name)
		return referral.healthcare_patient
	record(CHANNEL, "Referral", [referral.name], request="match Healthcare Patient")
	frappe.db.savepoint("referral_crm_patient")
	try:
		patient, how = _find_or_register(referral)
	except Exception as e:
		frappe.db.rollback(save_point="referral_crm_patient")
		frappe.clear_last_message()
		frappe.log_error(
			title=f"Healthcare Patient for {referral.name} not linked",
			reference_doctype="Referral",
			reference_name=referral.name,
		)
		_ask_a_person(
			referral,
			_("the Healthcare Patient could not be registered ({0})").format(frappe.utils.strip_html(str(e))),
		)
		return None
	if not patient:
		_ask_a_person(referral, how)
		return None
	referral.db_set("healthcare_patient", patient, update_modified=False)
	_set_back_link(PATIENT, patient, referral.name)
	referral.add_comment("Info", _("Healthcare Patient {0} {1}.").format(patient, how))
	return patient


def _find_or_register(referral) -> tuple[str | None, str]:
	candidates = []
	if referral.patient_date_of_birth:
		candidates = frappe.get_all(
			PATIENT,
			filters={
				"first_name": referral.patient_first_name,
				"last_name": referral.patient_last_name,
				"dob": referral.patient_date_of_birth,
			},
			fields=["name", "first_name", "last_name", "dob", "mobile", "phone"],
		)
	decision = match_patient(
		{
			"first_name": referral.patient_first_name,
			"last_name": referral.patient_last_name,
			"date_of_birth": getdate(referral.patient_date_of_birth)
			if referral.patient_date_of_birth
			else None,
			"phone": referral.patient_phone,
		},
		[{**c, "dob": getdate(c.dob) if c.dob else None, "phones": [c.mobile, c.phone]} for c in candidates],
	)
	if decision.action == MATCH:
		return decision.patient, _("matched by name, date of birth and phone")
	if decision.action != CREATE:
		return None, _(decision.reason)
	if not referral.get("patient_sex"):
		return None, _("no Healthcare Patient matches and the patient's sex is needed to register one")
	patient = frappe.get_doc(
		{
			"doctype": PATIENT,
			"first_name": referral.patient_first_name,
			"last_name": referral.patient_last_name,
			"sex": referral.patient_sex,
			"dob": referral.patient_date_of_birth,
			"mobile": referral.patient_phone,
			BACK_LINK: referral.name,
		}
	)
	patient.flags.ignore_permissions = True
	patient.insert()
	return patient.name, _("registered from the referral")


def _ask_a_person(referral, why: str) -> None:
	"""An uncertain patient waits for a person: one ToDo (no patient data in it) until it is resolved."""
	what = _("Referral {0}: pick its Healthcare Patient ({1}).").format(referral.name, why)
	if frappe.db.exists(
		"ToDo",
		{
			"reference_type": "Referral",
			"reference_name": referral.name,
			"status": "Open",
			"description": ("like", f"%{referral.name}: %Healthcare Patient%"),
		},
	):
		return
	todo(referral.attributed_coordinator or frappe.session.user, referral, what)


def _set_back_link(doctype: str, name: str, referral: str) -> None:
	if frappe.db.get_value(doctype, name, BACK_LINK) != referral:
		frappe.db.set_value(doctype, name, BACK_LINK, referral, update_modified=False)


# Appointments and encounters ---------------------------------------------------------------------------


def referral_of(patient: str | None, linked: str | None = None) -> str | None:
	"""The referral an appointment or encounter belongs to: the one it names, else the patient's open one."""
	if linked:
		return linked
	if not patient:
		return None
	return frappe.db.get_value(
		"Referral",
		{"healthcare_patient": patient, "status": ("not in", CLOSED_STATUSES)},
		order_by="received_at desc",
	)


def on_appointment_update(doc, method=None) -> None:
	"""hooks doc_events (Patient Appointment on_update, also on insert): link it and move the referral."""
	if not _bridged():
		return
	referral = referral_of(doc.patient, doc.get(BACK_LINK))
	if not referral:
		return
	if doc.get(BACK_LINK) != referral:
		doc.db_set(BACK_LINK, referral, update_modified=False)
	previous = doc.get_doc_before_save()
	if previous and previous.status == doc.status and not doc.flags.in_insert:
		return
	_follow(APPOINTMENT, doc.name, referral, doc.status)


def on_encounter_update(doc, method=None) -> None:
	"""hooks doc_events (Patient Encounter on_update / on_submit). Healthcare closes the appointment of an
	encounter without saving it, so the encounter itself says the patient was seen; submitted, it is
	the visit note."""
	if not _bridged():
		return
	linked = doc.get(BACK_LINK) or (
		doc.appointment and frappe.db.get_value(APPOINTMENT, doc.appointment, BACK_LINK)
	)
	referral = referral_of(doc.patient, linked)
	if not referral:
		return
	if doc.get(BACK_LINK) != referral:
		doc.db_set(BACK_LINK, referral, update_modified=False)
	_follow(ENCOUNTER, doc.name, referral, "Closed", visit_note=doc.docstatus == 1)


def _follow(doctype: str, name: str, referral: str, status: str, visit_note: bool = False) -> None:
	"""The referral moves in a job of its own, after Healthcare's save is committed: a referral that cannot
	move never stops the front desk, and the job may move it under the referral workflow's rules."""
	frappe.enqueue(
		"referral_crm.referrals.healthcare.follow_healthcare",
		queue="short",
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		doctype=doctype,
		name=name,
		referral=referral,
		status=status,
		visit_note=visit_note,
		by_user=frappe.session.user,
	)


def follow_healthcare(
	doctype: str, name: str, referral: str, status: str, visit_note: bool, by_user: str
) -> list[str]:
	"""Move the referral as its appointment says; the referring office hears of a no-show through the
	referral's own notice. Returns what was done, for the record and the tests."""
	done = []
	record(CHANNEL, "Referral", [referral], request=f"{doctype} {name}")
	user = frappe.session.user
	frappe.set_user("Administrator")  # the workflow's transitions are the system's here, not the desk user's
	try:
		ref = frappe.get_doc("Referral", referral)
		appointment = (
			frappe.db.get_value(APPOINTMENT, name, ["appointment_datetime", "appointment_date"], as_dict=True)
			if doctype == APPOINTMENT
			else None
		)
		if doctype == APPOINTMENT and not ref.healthcare_appointment:
			ref.db_set("healthcare_appointment", name, update_modified=False)
			_set_referring_practitioner(name, ref)
		when = _(" ({0} by {1})").format(_(status), by_user)
		for move in moves_for_appointment(status, ref.status):
			ref.reload()
			ref.status = move
			if move == ADMITTED and not ref.start_of_care:
				ref.start_of_care = (
					appointment
					and (appointment.appointment_datetime or get_datetime(appointment.appointment_date))
				) or now_datetime()
			ref.add_comment(
				"Workflow", _("{0}: {1} from {2} {3}").format(_(move), _("moved"), _(doctype), name) + when
			)
			ref.save()
			done.append(move)
		if is_no_show(status, ref.status, bool(ref.no_show)):
			ref.reload()
			ref.no_show = 1
			ref.add_comment(
				"Info",
				_("No-show at {0} {1}{2}; the referring office is told.").format(_(doctype), name, when),
			)
			ref.save()
			done.append("No-Show")
		if visit_note and ref.status in ADMITTED_STATUSES and not ref.visit_note_encounter:
			done.append(_offer_visit_note(ref, name))
	finally:
		frappe.set_user(user)
	return done


def _set_referring_practitioner(appointment: str, referral) -> None:
	"""Healthcare keeps the referring practitioner on the appointment: the Provider who referred, as an
	External practitioner (found by name, else registered once)."""
	if not referral.referring_provider or frappe.db.get_value(
		APPOINTMENT, appointment, "referring_practitioner"
	):
		return
	provider = frappe.db.get_value(
		"Provider",
		referral.referring_provider,
		["first_name", "last_name", "phone", "provider_name"],
		as_dict=True,
	)
	if not provider or not (provider.first_name or provider.provider_name):
		return
	first = provider.first_name or provider.provider_name
	practitioner = frappe.db.get_value(
		"Healthcare Practitioner",
		{"first_name": first, "last_name": provider.last_name or "", "practitioner_type": "External"},
	)
	if not practitioner:
		frappe.db.savepoint("referral_crm_practitioner")
		try:
			practitioner = (
				frappe.get_doc(
					{
						"doctype": "Healthcare Practitioner",
						"first_name": first,
						"last_name": provider.last_name,
						"practitioner_type": "External",
						"status": "Active",
						"office_phone": provider.phone,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		except Exception:
			frappe.db.rollback(save_point="referral_crm_practitioner")
			frappe.log_error(title=f"Referring practitioner for {referral.name} not registered")
			return
	frappe.db.set_value(
		APPOINTMENT, appointment, "referring_practitioner", practitioner, update_modified=False
	)


def _offer_visit_note(referral, encounter: str) -> str:
	"""The submitted encounter of the first visit, printed and attached to the referral (private), ready
	for "Send Visit Note" by email, fax or Direct; the coordinator is told it is there."""
	referral.db_set("visit_note_encounter", encounter, update_modified=False)
	_set_back_link(ENCOUNTER, encounter, referral.name)
	owner = referral.attributed_coordinator or frappe.db.get_value(
		"Practice", referral.referring_practice, "referral_coordinator"
	)
	try:
		pdf = frappe.get_print(ENCOUNTER, encounter, as_pdf=True)
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"visit-note-{referral.name}.pdf",
				"attached_to_doctype": "Referral",
				"attached_to_name": referral.name,
				"is_private": 1,
				"content": pdf,
			}
		).insert(ignore_permissions=True)
	except Exception:
		frappe.log_error(
			title=f"Visit note of {referral.name} not printed",
			reference_doctype="Referral",
			reference_name=referral.name,
		)
		todo(
			owner,
			referral,
			_(
				"The first visit's encounter {0} is the visit note for referral {1}: print it from Healthcare, attach it and send it."
			).format(encounter, referral.name),
			priority="High",
		)
		return "visit note to attach"
	todo(
		owner,
		referral,
		_(
			"The visit note for referral {0} is attached (encounter {1}): send it to the referring office."
		).format(referral.name, encounter),
		priority="High",
	)
	return file.file_url
