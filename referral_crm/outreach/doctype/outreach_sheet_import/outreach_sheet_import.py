# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Lower

from referral_crm.core.outreach.outreach_sheet import parse_sheet
from referral_crm.core.referral_sources.names import provider_display_name
from referral_crm.core.referral_sources.offices import address_key
from referral_crm.referral_sources.providers import find_provider
from referral_crm.spreadsheets import read_rows

SAVEPOINT = "outreach_sheet_import"


class OutreachSheetImport(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		follow_ups_created: DF.Int
		import_file: DF.Attach
		import_log: DF.LongText | None
		practices_created: DF.Int
		practices_matched: DF.Int
		providers_created: DF.Int
		providers_matched: DF.Int
		status: DF.Literal["Draft", "Imported", "Failed"]
		visits_created: DF.Int

	# end: auto-generated types
	@frappe.whitelist()
	def run_import(self):
		"""Read the whole sheet first; write all of it, or nothing and the reasons."""
		self.check_permission("write")
		if self.status == "Imported":
			frappe.throw(_("This spreadsheet has been imported."))
		rows, errors = parse_sheet(read_rows(self.import_file))
		agents = {}
		for row in rows:
			if row.agent and row.agent not in agents:
				agents[row.agent] = find_user(row.agent)
				if not agents[row.agent]:
					errors.append(
						_("line {0}: Agent {1} is not a user of this site").format(row.line, row.agent)
					)
		if errors:
			return self.fail(errors)

		counts = dict.fromkeys(
			(
				"practices_created",
				"practices_matched",
				"providers_created",
				"providers_matched",
				"visits_created",
				"follow_ups_created",
			),
			0,
		)
		log = []
		frappe.db.savepoint(SAVEPOINT)
		try:
			for row in rows:
				log.append(self.import_row(row, agents.get(row.agent) or frappe.session.user, counts))
		except frappe.ValidationError as e:
			frappe.db.rollback(save_point=SAVEPOINT)
			frappe.local.message_log = []
			return self.fail([_("line {0}: {1}").format(row.line, frappe.utils.strip_html(str(e)))])
		self.update({"status": "Imported", "import_log": "\n".join(log), **counts})
		self.save()
		return {"status": self.status, **counts}

	def fail(self, errors: list[str]) -> dict:
		self.update(
			{
				"status": "Failed",
				"import_log": _("Nothing was imported. Correct these rows and import again:")
				+ "\n"
				+ "\n".join(errors),
			}
		)
		self.save()
		return {"status": self.status, "errors": errors}

	def import_row(self, row, user: str, counts: dict) -> str:
		practice, made = find_or_make_practice(row)
		counts["practices_created" if made else "practices_matched"] += 1
		provider, how = find_provider(None, row.first_name, row.last_name, [row.phone, row.fax])
		if provider:
			counts["providers_matched"] += 1
			doc = frappe.get_doc("Provider", provider)
			if practice not in [p.practice for p in doc.practices]:
				doc.append("practices", {"practice": practice})
				doc.save()
		else:
			provider = make_provider(row, practice).name
			counts["providers_created"] += 1
		note = _("line {0}: {1} at {2}").format(row.line, provider, practice)
		if row.last_contact:
			visit = frappe.get_doc(
				{
					"doctype": "Visit",
					"practice": practice,
					"channel": row.channel,
					"outcome": row.outcome,
					"visit_datetime": f"{row.last_contact} 12:00:00",
					"user": user,
					"remarks": row.remarks,
					"next_step": row.next_step,
					"follow_up_date": row.follow_up_date
					if row.follow_up_date and row.follow_up_date >= row.last_contact
					else None,
					"providers_met": [{"provider": provider}] if row.outcome == "Spoke with Provider" else [],
				}
			).insert()
			counts["visits_created"] += 1
			counts["follow_ups_created"] += bool(visit.follow_up_todo)
			note += _(", contact {0}").format(visit.name)
		elif row.follow_up_date:
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": user,
					"date": row.follow_up_date,
					"description": row.next_step or _("Follow up"),
					"reference_type": "Practice",
					"reference_name": practice,
					"assigned_by": frappe.session.user,
				}
			).insert()
			counts["follow_ups_created"] += 1
		return note


def find_user(agent: str) -> str | None:
	"""The user an Agent cell names: their email, user name, full name or first name."""
	user = frappe.qb.DocType("User")
	text = agent.strip().lower()
	rows = (
		frappe.qb.from_(user)
		.select(user.name)
		.where(
			(user.enabled == 1)
			& (
				(Lower(user.name) == text)
				| (Lower(user.username) == text)
				| (Lower(user.full_name) == text)
				| (Lower(user.first_name) == text)
			)
		)
		.limit(2)
		.run(pluck=True)
	)
	return rows[0] if len(rows) == 1 else None


def find_or_make_practice(row) -> tuple[str, bool]:
	numbers = [n for n in (row.fax, row.phone) if n]
	for number in numbers:
		if found := frappe.get_list(
			"Practice", filters={"fax": number}, pluck="name", limit=1
		) or frappe.get_list("Practice", filters={"phone": number}, pluck="name", limit=1):
			return found[0], False
	key = address_key(row.zip_code, row.address_line1)
	if key:
		for candidate in frappe.get_list(
			"Practice", filters={"zip_code": row.zip_code}, fields=["name", "zip_code", "address_line1"]
		):
			if address_key(candidate.zip_code, candidate.address_line1) == key:
				return candidate.name, False
	name = row.practice_name or _("Office of {0}").format(
		provider_display_name(row.first_name, "", row.last_name, "")
	)
	practice = frappe.get_doc(
		{
			"doctype": "Practice",
			"practice_name": name,
			"practice_type": "Primary Care" if row.is_pcp else None,
			"address_line1": row.address_line1,
			"address_line2": row.address_line2,
			"city": row.city,
			"state": row.state,
			"zip_code": row.zip_code,
			"phone": row.phone,
			"fax": row.fax,
		}
	).insert()
	return practice.name, True


def make_provider(row, practice: str):
	specialty = frappe.db.get_value("Specialty", {"specialty_name": row.specialty}) if row.specialty else None
	return frappe.get_doc(
		{
			"doctype": "Provider",
			"first_name": row.first_name,
			"last_name": row.last_name,
			"gender": row.gender if row.gender and frappe.db.exists("Gender", row.gender) else None,
			"specialty": specialty,
			"is_pcp": int(row.is_pcp),
			"phone": row.phone,
			"fax": row.fax,
			"notes": None
			if specialty or not row.specialty
			else _("Specialty in the spreadsheet: {0}").format(row.specialty),
			"practices": [{"practice": practice}],
		}
	).insert()
