# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, get_datetime

from referral_crm.core.referral_sources.stages import CONTACTED, ENGAGED, TARGET
from referral_crm.core.referrals.appointments import FIELDS, read_appointments
from referral_crm.referral_sources.providers import find_provider, split_name
from referral_crm.spreadsheets import read_rows

LINK_WITHIN_DAYS = 60


class AppointmentImport(Document):
	def before_insert(self):
		self.remember_mapping()

	def remember_mapping(self):
		"""Fill empty column choices from the last import, so the mapping is set once."""
		last = frappe.get_all(
			"Appointment Import", fields=[f"{f}_column" for f in FIELDS], order_by="creation desc", limit=1
		)
		for field in FIELDS:
			if last and not self.get(f"{field}_column"):
				self.set(f"{field}_column", last[0].get(f"{field}_column"))

	@frappe.whitelist()
	def run_import(self):
		"""Match each appointment to its referrer; create or link referrals; task liaisons for targeted PCPs."""
		self.check_permission("write")
		rows = read_rows(self.appointment_file)
		mapping = {field: self.get(f"{field}_column") for field in FIELDS}
		appointments, errors = read_appointments(rows, mapping)
		if errors:
			self.status, self.import_log = "Failed", "\n".join(errors)
			self.save()
			return {"status": self.status, "errors": errors}

		counts = {"created": 0, "linked": 0, "pcp": 0, "unmatched": 0}
		log = []
		for appointment in appointments:
			outcome, note = self.import_one(appointment)
			counts[outcome] += 1
			log.append(f"line {appointment.line}: {note}")
		self.update(
			{
				"status": "Imported",
				"referrals_created": counts["created"],
				"referrals_linked": counts["linked"],
				"pcp_tasks": counts["pcp"],
				"unmatched": counts["unmatched"],
				"import_log": "\n".join(log),
			}
		)
		self.save()
		return {"status": self.status, **counts}

	def import_one(self, appointment) -> tuple[str, str]:
		referrer, _how = find_provider(
			appointment.referring_npi, *split_name(appointment.referring_physician), []
		)
		pcp, _pcp_how = find_provider(appointment.pcp_npi, *split_name(appointment.pcp), [])
		patient = f"{appointment.patient_first_name} {appointment.patient_last_name}"
		if referrer:
			if existing := self.known_referral(referrer, appointment):
				return "linked", _("{0} already referred as {1}").format(patient, existing)
			referral = frappe.get_doc(
				{
					"doctype": "Referral",
					"channel": "Other",
					"received_at": get_datetime(appointment.appointment_date),
					"referring_provider": referrer,
					"primary_care_provider": pcp,
					"patient_first_name": appointment.patient_first_name,
					"patient_last_name": appointment.patient_last_name,
					"patient_date_of_birth": appointment.date_of_birth,
				}
			).insert()
			return "created", _("referral {0} from {1}").format(referral.name, referrer)
		if pcp and (task := self.pcp_task(pcp, appointment, patient)):
			return "pcp", task
		return "unmatched", _("no known referring physician or targeted PCP for {0}").format(patient)

	def known_referral(self, referrer: str, appointment) -> str | None:
		filters = {
			"referring_provider": referrer,
			"patient_first_name": appointment.patient_first_name,
			"patient_last_name": appointment.patient_last_name,
			"received_at": (">=", add_days(appointment.appointment_date, -LINK_WITHIN_DAYS)),
		}
		if appointment.date_of_birth:
			filters["patient_date_of_birth"] = appointment.date_of_birth
		return frappe.db.get_value("Referral", filters)

	def pcp_task(self, pcp: str, appointment, patient: str) -> str | None:
		"""A patient with no referrer but a PCP we are courting: send that PCP the visit note (seed step 5)."""
		practice = frappe.db.get_value("Provider", pcp, "primary_practice")
		values = (
			frappe.db.get_value(
				"Practice", practice, ["account_stage", "liaison", "account_owner"], as_dict=True
			)
			if practice
			else None
		)
		if not values or values.account_stage not in (TARGET, CONTACTED, ENGAGED):
			return None
		provider_name = frappe.db.get_value("Provider", pcp, "provider_name")
		description = _(
			"Send {0} the visit note for their patient {1} (seen {2}): an opening with a targeted office."
		).format(provider_name, patient, frappe.format(appointment.appointment_date, {"fieldtype": "Date"}))
		if not frappe.db.exists(
			"ToDo", {"reference_type": "Practice", "reference_name": practice, "description": description}
		):
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": values.liaison or values.account_owner,
					"date": appointment.appointment_date,
					"description": description,
					"reference_type": "Practice",
					"reference_name": practice,
					"assigned_by": frappe.session.user,
				}
			).insert(ignore_permissions=True)
		return _("visit note task for PCP {0}").format(provider_name)
