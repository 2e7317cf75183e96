"""Closing the loop with referring offices: visit-note clock, word on arrival, partner issues."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_datetime, now_datetime, today

from referral_crm.core.referral_sources.stages import stage_after_referral
from referral_crm.core.referrals.referral import ADMITTED_STATUSES
from referral_crm.core.referrals.sla import OVERDUE, note_due_at, note_status
from referral_crm.referral_sources.accounts import derive_owners, move_stage, territory_members
from referral_crm.settings import note_sla_hours
from referral_crm.todos import notify, todo


def set_visit_note_clock(referral) -> None:
	soc = get_datetime(referral.start_of_care) if referral.start_of_care else None
	if referral.status not in ADMITTED_STATUSES:
		soc = None
	sla = note_sla_hours()
	referral.visit_note_due_at = note_due_at(soc, sla)
	sent = get_datetime(referral.visit_note_sent_at) if referral.visit_note_sent_at else None
	referral.visit_note_status = note_status(soc, sent, now_datetime(), sla)


def report_overdue_visit_notes() -> list[str]:
	"""Hourly: each visit note past its promised time goes, once, to the coordinator's list."""
	referral = DocType("Referral")
	overdue = (
		frappe.qb.from_(referral)
		.select(referral.name)
		.where(referral.visit_note_sent_at.isnull())
		.where(referral.visit_note_due_at < now_datetime())
		.where(referral.note_overdue_notified == 0)
		.where(referral.status.isin(list(ADMITTED_STATUSES)))
		.run(pluck=True)
	)
	for name in overdue:
		doc = frappe.get_doc("Referral", name)
		owner = doc.attributed_coordinator or frappe.db.get_value(
			"Practice", doc.referring_practice, "referral_coordinator"
		)
		what = _("Visit note for {0} is overdue: it was due by {1}. Send it to the referring office.").format(
			doc.name, frappe.format(doc.visit_note_due_at, {"fieldtype": "Datetime"})
		)
		todo(owner, doc, what, priority="High")
		notify([owner], doc, what)
		frappe.db.set_value(
			"Referral",
			name,
			{"visit_note_status": OVERDUE, "note_overdue_notified": 1},
			update_modified=False,
		)
	return overdue


def announce_new_source(practice, referral, previous_stage: str) -> None:
	"""A first referral from a target, or the first from a dormant office: thank them, stop cold outreach."""
	what = _(
		"{0} sent a referral ({1}) and is now Referring. Call to thank them; stop cold outreach."
	).format(practice.practice_name, referral.name)
	if previous_stage == "Dormant":
		what = _("{0} is referring again ({1}). Call to thank them.").format(
			practice.practice_name, referral.name
		)
	notify([practice.liaison, practice.appointment_setter], practice, what)


def escalate_overdue_partner_issues() -> list[str]:
	"""Daily: open partner issues past their due date are escalated to the managers, once."""
	issues = frappe.get_all(
		"Partner Issue",
		filters={"status": ("in", ["Open", "In Progress"]), "due_date": ("<", today()), "escalated": 0},
		pluck="name",
	)
	managers = [
		u
		for u in frappe.get_all(
			"Has Role", filters={"role": "Referral Marketing Manager", "parenttype": "User"}, pluck="parent"
		)
		if frappe.db.get_value("User", u, "enabled")
	]
	for name in issues:
		doc = frappe.get_doc("Partner Issue", name)
		frappe.db.set_value("Partner Issue", name, "escalated", 1, update_modified=False)
		notify(
			managers + [doc.assigned_to],
			doc,
			_("Overdue partner issue: {0} ({1}) was due {2}.").format(
				doc.practice_name, _(doc.issue_type), frappe.format(doc.due_date, {"fieldtype": "Date"})
			),
		)
	return issues


def email_office(
	referral, email: str, subject: str, content: str, what: str, attachments=None, sender: str | None = None
) -> str | None:
	"""Email the referring office as a Communication on the referral; on failure log it and return None."""
	try:
		from frappe.core.doctype.communication.email import make

		return make(
			doctype="Referral",
			name=referral.name,
			subject=subject,
			content=content,
			recipients=email,
			sender=sender,
			communication_medium="Email",
			send_email=True,
			attachments=attachments or [],
		)["name"]
	except Exception:
		frappe.log_error(title=f"{what} not sent", reference_doctype="Referral", reference_name=referral.name)
		return None


def notify_referring_office(referral, event: str) -> str | None:
	"""Tell the referring office about a no-show or a decision not to admit, and keep a record of it.

	The notice goes by email through Frappe (a Communication on the referral). When the office has
	no email address, or sending fails, the coordinator gets a ToDo to call or fax them instead.
	"""
	practice = (
		frappe.db.get_value(
			"Practice",
			referral.referring_practice,
			["practice_name", "email", "fax", "referral_coordinator", "liaison"],
			as_dict=True,
		)
		if referral.referring_practice
		else None
	)
	if not practice:
		return None
	context = {
		"referral": referral,
		"practice": practice,
		"event": event,
		"patient": f"{referral.patient_first_name} {(referral.patient_last_name or ' ')[0]}.",
		"received": frappe.format(referral.received_at, {"fieldtype": "Date"}),
	}
	subject = _("Update on your referral {0}").format(referral.name)  # no patient data in subjects
	content = frappe.render_template("referral_crm/templates/emails/referral_notice.html", context)
	owner = referral.attributed_coordinator or practice.referral_coordinator or practice.liaison
	if not practice.email and practice.fax:
		from referral_crm.outreach.outbox import queue_send

		return queue_send(  # by fax through the outbox: retried, and kept with its reason if it fails
			"Referral",
			referral.name,
			None,
			"Fax",
			purpose="Status Notice",
			notice_html=content,
			subject=subject,
		).name
	if not practice.email:
		todo(
			owner,
			referral,
			_("{0} has no email address: call or fax them: {1}").format(practice.practice_name, subject),
		)
		return None
	if communication := email_office(
		referral, practice.email, subject, content, f"Notice for referral {referral.name}"
	):
		return communication
	todo(
		owner,
		referral,
		_("The notice to {0} could not be emailed: call or fax them: {1}").format(
			practice.practice_name, subject
		),
	)
	return None


EMAIL, DIRECT = "Email", "Direct"


def visit_note_addresses(referral) -> dict[str, str]:
	"""Where the visit note can go: the office's email, and a Direct address (the referring provider's,
	else the practice's, as NPPES lists them) when the agency has a Direct account to send from."""
	addresses = {}
	if referral.referring_practice and (
		email := frappe.db.get_value("Practice", referral.referring_practice, "email")
	):
		addresses[EMAIL] = email
	if frappe.db.get_single_value("Referral CRM Settings", "direct_email_account"):
		direct = (
			referral.referring_provider
			and frappe.db.get_value("Provider", referral.referring_provider, "direct_address")
		) or (
			referral.referring_practice
			and frappe.db.get_value("Practice", referral.referring_practice, "direct_address")
		)
		if direct:
			addresses[DIRECT] = direct
	return addresses


def send_visit_note(referral, file_url: str, channel: str = EMAIL) -> str | None:
	"""Send the visit note (a file attached to the referral) to the referring office; stop the clock.

	By email, or by Direct secure messaging to the referrer's EHR through the agency's Direct account.
	A failed send leaves the clock running, records the error and puts a ToDo on the coordinator's
	list, so the note is never silently lost.
	"""
	practice = (
		frappe.db.get_value(
			"Practice",
			referral.referring_practice,
			["practice_name", "email", "referral_coordinator"],
			as_dict=True,
		)
		if referral.referring_practice
		else None
	)
	address = visit_note_addresses(referral).get(channel)
	if not practice or not address:
		if channel == DIRECT:
			frappe.throw(
				_(
					"No Direct address is known for the referrer, or no Direct Messaging Account is set in Referral CRM Settings."
				)
			)
		frappe.throw(_("The referring practice has no email address; fax the note and record it as sent."))
	sender = None
	if channel == DIRECT:
		sender = frappe.db.get_value(
			"Email Account",
			frappe.db.get_single_value("Referral CRM Settings", "direct_email_account"),
			"email_id",
		)
	if not frappe.db.exists(
		"File", {"file_url": file_url, "attached_to_doctype": "Referral", "attached_to_name": referral.name}
	):
		frappe.throw(_("Attach the visit note to this referral first."))
	subject = _("Visit note for your referral {0}").format(referral.name)
	content = frappe.render_template(
		"referral_crm/templates/emails/visit_note.html",
		{
			"practice": practice,
			"patient": f"{referral.patient_first_name} {(referral.patient_last_name or ' ')[0]}.",
		},
	)
	communication = email_office(
		referral,
		address,
		subject,
		content,
		f"Visit note for referral {referral.name}",
		[{"file_url": file_url}],
		sender=sender,
	)
	if not communication:
		todo(
			referral.attributed_coordinator or practice.referral_coordinator,
			referral,
			_("The visit note to {0} could not be emailed: fax it and record it as sent.").format(
				practice.practice_name
			),
			priority="High",
		)
		# Not an exception: the request would roll back the ToDo and the error record with it.
		frappe.msgprint(
			_(
				"The note could not be emailed. The error is logged, the coordinator has a ToDo and the clock keeps running."
			),
			indicator="red",
			alert=True,
		)
		return None
	referral.visit_note_sent_at = now_datetime()
	referral.save()
	share_with_office(referral, file_url)
	return communication


def share_with_office(referral, file_url: str) -> None:
	"""Let the referring office download this document of its referral in the portal."""
	name = frappe.db.get_value(
		"File", {"file_url": file_url, "attached_to_doctype": "Referral", "attached_to_name": referral.name}
	)
	if not name:
		frappe.throw(_("Attach the document to this referral first."))
	frappe.db.set_value("File", name, "shared_with_referring_office", 1)


def referral_received(referral) -> None:
	"""After a referral from the practice was counted: it refers now, and may pass to the coordinator."""
	if not referral.referring_practice:
		return
	# Locked and read as last committed: referrals from one office arriving together each see the
	# stage the one before left, so the first moves it and the others neither move it again nor fail.
	stage = frappe.db.get_value("Practice", referral.referring_practice, "account_stage", for_update=True)
	change = stage_after_referral(stage)
	if change:
		move_stage(referral.referring_practice, change, referral)
		announce_new_source(frappe.get_doc("Practice", referral.referring_practice), referral, stage)
		return
	doc = frappe.get_doc("Practice", referral.referring_practice, for_update=True)
	if (
		derive_owners(doc.as_dict(), territory_members(doc.referral_territory))["account_owner"]
		!= doc.account_owner
	):
		doc.flags.stage_caused_by = referral
		doc.flags.handoff_note = _("{0} referrals received").format(doc.total_referrals)
		doc.save(ignore_permissions=True)
