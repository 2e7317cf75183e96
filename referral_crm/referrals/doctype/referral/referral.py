# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _, bold
from frappe.model.document import Document
from frappe.utils import get_link_to_form, getdate, now_datetime

from referral_crm.compliance.phi import reads_phi
from referral_crm.core.errors import DomainError
from referral_crm.core.referrals.referral import (
	ADMITTED_STATUSES,
	CANCELLED,
	NOT_ADMITTED,
	check_non_admit_reason,
	timestamps_for_transition,
)
from referral_crm.core.referrals.rollup import PRACTICE, PROVIDER
from referral_crm.referral_sources.accounts import forget_cause
from referral_crm.referral_sources.identifiers import set_phone_numbers
from referral_crm.referral_sources.permissions import check_practice_access
from referral_crm.referral_sources.rollups import update_referral_counts
from referral_crm.referral_sources.territories import territory_of_practice
from referral_crm.referrals.closing_loop import (
	notify_referring_office,
	referral_received,
	send_visit_note,
	set_visit_note_clock,
	share_with_office,
	visit_note_addresses,
)
from referral_crm.referrals.healthcare import link_patient
from referral_crm.referrals.task_push import queue_task_push
from referral_crm.referrals.weekly import refresh_sources

# A change to any of these moves a source's counts.
COUNTED_FIELDS = (
	"referring_practice",
	"referring_provider",
	"received_at",
	"status",
	"start_of_care",
	"visit_note_sent_at",
)


class DuplicateReferral(frappe.ValidationError):
	pass


class MissingNonAdmitReason(frappe.ValidationError):
	pass


class Referral(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		accepted_at: DF.Datetime | None
		admitted_at: DF.Datetime | None
		attributed_coordinator: DF.Link | None
		attributed_liaison: DF.Link | None
		channel: DF.Literal[
			"Fax",
			"Phone",
			"Email",
			"EHR / e-Referral",
			"Referral Portal",
			"Hospital Discharge Planner",
			"Walk-in",
			"Other",
		]
		diagnosis: DF.SmallText | None
		discharged_at: DF.Datetime | None
		external_id: DF.Data | None
		source_system: DF.Link | None
		insurance_member_id: DF.Data | None
		insurance_payer: DF.Link | None
		no_show: DF.Check
		non_admit_notes: DF.SmallText | None
		non_admit_reason: DF.Literal[
			"",
			"Insurance Not Accepted",
			"Outside Service Area",
			"Patient Declined",
			"Unable to Reach",
			"Clinical Criteria Not Met",
			"No-Show",
			"Other",
		]
		note_overdue_notified: DF.Check
		patient_date_of_birth: DF.Date | None
		patient_first_name: DF.Data
		patient_last_name: DF.Data
		patient_phone: DF.Data | None
		primary_care_provider: DF.Link | None
		received_at: DF.Datetime
		referral_territory: DF.Link | None
		referring_practice: DF.Link | None
		referring_provider: DF.Link | None
		service_line: DF.Link | None
		start_of_care: DF.Datetime | None
		status: DF.Literal[
			"Received",
			"In Review",
			"Accepted",
			"Scheduled",
			"Admitted",
			"Discharged",
			"Not Admitted",
			"Cancelled",
		]
		visit_note_due_at: DF.Datetime | None
		visit_note_sent_at: DF.Datetime | None
		visit_note_status: DF.Literal["", "Due", "Overdue", "Sent on Time", "Sent Late"]

	# end: auto-generated types
	def validate(self):
		self.require_version_on_api_write()
		self.received_date = getdate(self.received_at) if self.received_at else None
		self.set_referring_practice()
		check_practice_access(self, [self.referring_practice])
		self.referral_territory = territory_of_practice(self.referring_practice)
		self.set_attributed_liaison()
		set_phone_numbers(self, ("patient_phone",))
		self.validate_external_id()
		self.validate_non_admit_reason()
		self.stamp_status_times()
		set_visit_note_clock(self)

	def on_update(self):
		previous = self.get_doc_before_save()
		self.send_office_notices(previous)
		queue_task_push(self, previous)  # the referrer's EMR hears of each status change as a FHIR Task
		link_patient(self)  # with Healthcare: the patient's record in the EMR
		if previous and not any(previous.get(f) != self.get(f) for f in COUNTED_FIELDS):
			return
		versions = [self, previous] if previous else [self]
		update_referral_counts(
			{v.referring_practice for v in versions}, {v.referring_provider for v in versions}
		)
		refresh_sources(
			{(PRACTICE, v.referring_practice) for v in versions}
			| {(PROVIDER, v.referring_provider) for v in versions},
			{v.received_at for v in versions} | {v.start_of_care for v in versions},
		)
		if self.status != CANCELLED and (
			not previous or previous.referring_practice != self.referring_practice
		):
			referral_received(self)

	def send_office_notices(self, previous):
		"""Close the loop: the referring office hears of a no-show or a decision not to admit."""
		newly_no_show = self.no_show and not (previous and previous.no_show)
		newly_declined = self.status == NOT_ADMITTED and not (previous and previous.status == NOT_ADMITTED)
		if newly_no_show or (newly_declined and self.non_admit_reason == "No-Show"):
			notify_referring_office(self, "No-Show")
		elif newly_declined:
			notify_referring_office(self, NOT_ADMITTED)

	def before_print(self, settings=None):
		"""Frappe lets anyone who can read a document print it; referrals carry PHI, so only the print right will do."""
		if not frappe.has_permission("Referral", "print", self):
			frappe.throw(
				_("Only a Referral Marketing Manager may print or download referrals."),
				frappe.PermissionError,
			)

	@frappe.whitelist()
	def share_document_with_office(self, file_url: str) -> None:
		"""Show an attached document (a status sheet, a visit note handed over) in the office's portal."""
		self.check_permission("write")
		if not reads_phi("Referral"):
			frappe.throw(
				_("Only those who may read patient data share a referral's documents."),
				frappe.PermissionError,
			)
		share_with_office(self, file_url)

	@frappe.whitelist()
	def visit_note_channels(self) -> dict[str, str]:
		"""The electronic ways the visit note can reach the referrer (email, Direct), with the address."""
		self.check_permission("read")
		return visit_note_addresses(self)

	@frappe.whitelist()
	def email_visit_note(self, file_url: str, channel: str = "Email"):
		"""Send the attached visit note to the referring office by email or Direct and stop the clock."""
		self.check_permission("write")
		if self.status not in ADMITTED_STATUSES:
			frappe.throw(_("Only an admitted referral has a visit note to send."))
		if channel not in ("Email", "Direct"):
			frappe.throw(_("Send the visit note by Email or Direct."))
		return send_visit_note(self, file_url, channel)

	@frappe.whitelist()
	def fax_visit_note(self, file_url: str):
		"""Fax the attached visit note to the referring office; the clock stops when the fax goes through."""
		self.check_permission("write")
		if self.status not in ADMITTED_STATUSES:
			frappe.throw(_("Only an admitted referral has a visit note to send."))
		if not frappe.db.exists(
			"File", {"file_url": file_url, "attached_to_doctype": "Referral", "attached_to_name": self.name}
		):
			frappe.throw(_("Attach the visit note to this referral first."))
		from referral_crm.outreach.outbox import queue_send

		return queue_send(
			"Referral",
			self.name,
			None,
			"Fax",
			attachment=file_url,
			purpose="Visit Note",
			subject=_("Visit note for your referral {0}").format(self.name),
		).name

	@frappe.whitelist()
	def mark_visit_note_sent(self):
		"""The visit note went to the referring office: stop the clock."""
		self.check_permission("write")
		if self.status not in ADMITTED_STATUSES:
			frappe.throw(_("Only an admitted referral has a visit note to send."))
		self.visit_note_sent_at = now_datetime()
		self.save()

	def on_trash(self):
		forget_cause(self)

	def after_delete(self):
		update_referral_counts({self.referring_practice}, {self.referring_provider})
		refresh_sources(
			{(PRACTICE, self.referring_practice), (PROVIDER, self.referring_provider)},
			{self.received_at, self.start_of_care},
		)

	def set_referring_practice(self):
		if self.referring_provider and not self.referring_practice:
			self.referring_practice = frappe.db.get_value(
				"Provider", self.referring_provider, "primary_practice"
			)

	def set_attributed_liaison(self):
		"""The practice's liaison and coordinator at receipt get the credit; later changes do not move it."""
		if self.is_new():
			owners = (
				frappe.db.get_value(
					"Practice", self.referring_practice, ["liaison", "referral_coordinator"], as_dict=True
				)
				if self.referring_practice
				else None
			) or {}
			self.attributed_liaison = owners.get("liaison")
			self.attributed_coordinator = owners.get("referral_coordinator")
		else:
			previous = self.get_doc_before_save()
			self.attributed_liaison = previous.attributed_liaison
			self.attributed_coordinator = previous.attributed_coordinator

	def require_version_on_api_write(self):
		"""A REST update must say which version it changes, so two users never silently overwrite each other.

		The desk always sends the modified time it loaded and Frappe refuses a stale one; a REST
		client that leaves it out would overwrite whatever was saved since it read the referral.
		"""
		request = getattr(frappe.local, "request", None)
		if self.is_new() or request is None or request.method not in ("PUT", "PATCH"):
			return
		if not request.path.startswith(("/api/resource/", "/api/v1/resource/", "/api/v2/document/")):
			return
		if not frappe.form_dict.get("modified"):
			frappe.throw(
				_(
					"Send the referral's modified time as you read it (field modified), so a change saved meanwhile is not overwritten."
				),
				frappe.TimestampMismatchError,
			)

	def validate_external_id(self):
		if not self.external_id:
			self.external_id = None
			return
		self.external_id = self.external_id.strip()
		if not self.source_system:
			self.source_system = frappe.session.user  # the integration (or person) that sent it
		other = frappe.db.get_value(
			"Referral",
			{"external_id": self.external_id, "source_system": self.source_system, "name": ("!=", self.name)},
		)
		if other:
			frappe.throw(
				_(
					"External ID {0} was already received from {1} as {2}; this referral would be a duplicate."
				).format(
					bold(self.external_id), bold(self.source_system), get_link_to_form("Referral", other)
				),
				DuplicateReferral,
				title=_("Duplicate Referral"),
			)

	def validate_non_admit_reason(self):
		try:
			check_non_admit_reason(self.status, self.non_admit_reason)
		except DomainError:
			frappe.throw(
				_("Choose a Non-admit Reason before marking the referral {0}.").format(_(NOT_ADMITTED)),
				MissingNonAdmitReason,
				title=_("Non-admit Reason Required"),
			)

	def stamp_status_times(self):
		previous = self.get_doc_before_save()
		stamps = timestamps_for_transition(
			previous.status if previous else None, self.status, self, now_datetime()
		)
		self.update(stamps)


def on_doctype_update():
	# A period's referrals counted by status, owner, source, time to start of care and non-admit
	# reason (the funnel, Liaison Activity, Source Scorecard) from this index alone.
	frappe.db.add_index(
		"Referral",
		[
			"received_at",
			"status",
			"referring_practice",
			"start_of_care",
			"non_admit_reason",
			"attributed_liaison",
			"accepted_at",
		],
		"period_index",
	)
	# A source's referrals over a period (the list view's most common filter).
	frappe.db.add_index("Referral", ["referring_practice", "received_at"], "source_period_index")
