"""Sending collateral by fax or email without ever losing a send.

A send is an Outbound Document: queued at once (the form never waits), delivered by a background
job as the person who queued it (so their print rights apply), retried with backoff while the
gateway is busy or down, and kept as Failed, with the reason, until someone resends or dismisses
it. A delivered send leaves a Communication on the document and a Visit on the practice.
"""

import json
from email.message import EmailMessage

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.utils import add_to_date, get_datetime, now_datetime, today

from referral_crm.core.outreach.outbox import (
	FAILED,
	MAX_ATTEMPTS,
	RETRY,
	SENT,
	fax_digits,
	fax_email_address,
	next_attempt_at,
	within_cap,
)
from referral_crm.core.phone import format_phone
from referral_crm.integrations.fax import FaxSendError, send_fax
from referral_crm.integrations.fhir import FHIRSendError, put_resource

SETTINGS = "Referral CRM Settings"
OUTBOUND = "Outbound Document"
EMAIL_TO_FAX = "Email to Fax"
STUCK_AFTER_MINUTES = 30


class GatewayNotConfigured(frappe.ValidationError):
	pass


def practice_of(doc) -> str | None:
	if doc.doctype == "Practice":
		return doc.name
	if doc.doctype == "Referral":
		return doc.referring_practice
	if doc.doctype == "Provider":
		return doc.primary_practice
	return doc.get("practice")


def queue_send(
	doctype: str,
	name: str,
	print_format: str | None,
	channel: str = "Fax",
	to: str | None = None,
	letter_head: str | None = None,
	batch: str | None = None,
	attachment: str | None = None,
	purpose: str = "Collateral",
	notice_html: str | None = None,
	subject: str | None = None,
) -> "frappe.Document":
	"""Record the send and hand it to a background job after the commit. Returns the Outbound Document.

	What goes out is a print format of the document, a file attached to it (`attachment`), or a notice
	(`notice_html`); a file or a notice needs write access to the document rather than print.
	"""
	doc = frappe.get_doc(doctype, name)
	doc.check_permission("write" if attachment or notice_html else "print")
	practice = practice_of(doc)
	office = frappe.db.get_value("Practice", practice, ["fax", "email"], as_dict=True) if practice else None
	if channel == "Fax":
		to = to or (office.fax if office else None)
		if not to:
			frappe.throw(_("There is no fax number to send to."), title=_("No Fax Number"))
	else:
		to = to or (office.email if office else None)
		if not to:
			frappe.throw(_("There is no email address to send to."), title=_("No Email Address"))
	outbound = frappe.get_doc(
		{
			"doctype": OUTBOUND,
			"channel": channel,
			"reference_doctype": doctype,
			"reference_name": name,
			"print_format": print_format,
			"letter_head": letter_head,
			"practice": practice,
			"fax_number": to if channel == "Fax" else None,
			"email": to if channel == "Email" else None,
			"subject": subject or _("{0}: {1}").format(_(print_format), doc.get_title()),
			"batch": batch,
			"attachment": attachment,
			"purpose": purpose,
			"notice_html": notice_html,
		}
	).insert()
	enqueue_delivery(outbound.name)
	return outbound


def enqueue_delivery(name: str) -> None:
	frappe.enqueue(
		"referral_crm.outreach.outbox.deliver",
		name=name,
		job_id=f"referral_crm_outbound::{name}",
		deduplicate=True,
		enqueue_after_commit=True,
	)


def deliver(name: str) -> str:
	"""One attempt at one send; returns the resulting status. Commits: each attempt is on the record."""
	outbound = frappe.get_doc(OUTBOUND, name)
	if outbound.status != "Queued":
		return outbound.status
	outbound.db_set("status", "Sending", update_modified=False)
	frappe.db.commit()

	user = frappe.session.user
	result, detail, reference = SENT, "", None
	if superseded := newer_fhir_send(outbound):
		outbound.db_set(
			{
				"status": "Dismissed",
				"next_attempt_at": None,
				"last_error": _("Superseded by {0}").format(superseded),
			}
		)
		frappe.db.commit()
		return outbound.status
	try:
		frappe.set_user(outbound.owner)
		if outbound.channel == "FHIR":
			reference = put_resource(outbound.endpoint_url, json.loads(outbound.payload))
		else:
			reference = send_pdf(outbound, render(outbound))
	except (FaxSendError, FHIRSendError) as e:
		result, detail = e.outcome, str(e)
	except (frappe.PermissionError, frappe.DoesNotExistError, GatewayNotConfigured) as e:
		result, detail = FAILED, strip_html(str(e))  # trying again changes nothing
	except Exception as e:
		result, detail = RETRY, strip_html(str(e)) or e.__class__.__name__
	finally:
		frappe.set_user(user)
		frappe.local.message_log = []
	frappe.db.rollback()  # nothing a failed render or send left half-done
	record_attempt(outbound, result, detail, reference)
	frappe.db.commit()
	return outbound.status


def newer_fhir_send(outbound) -> str | None:
	"""A FHIR resource is sent whole: once a later state of it has reached the endpoint, an older one
	still waiting must not overwrite it."""
	if outbound.channel != "FHIR":
		return None
	return frappe.db.get_value(
		OUTBOUND,
		{
			"channel": "FHIR",
			"reference_doctype": outbound.reference_doctype,
			"reference_name": outbound.reference_name,
			"endpoint_url": outbound.endpoint_url,
			"status": "Sent",
			"creation": (">", outbound.creation),
		},
	)


def render(outbound) -> bytes:
	"""The PDF that goes out: the attached file as it is, the notice, or the print format."""
	if outbound.attachment:
		file = frappe.get_doc("File", {"file_url": outbound.attachment})
		with open(file.get_full_path(), "rb") as content:
			return content.read()
	if outbound.notice_html:
		from frappe.utils.pdf import get_pdf

		return get_pdf(outbound.notice_html)
	return frappe.get_print(
		outbound.reference_doctype,
		outbound.reference_name,
		outbound.print_format,
		letterhead=outbound.letter_head,
		as_pdf=True,
	)


def strip_html(text: str) -> str:
	from frappe.utils import strip_html as _strip

	return _strip(text or "").strip()


def send_pdf(outbound, pdf: bytes) -> str | None:
	settings = frappe.get_cached_doc(SETTINGS)
	filename = f"{frappe.scrub(outbound.print_format or outbound.purpose or 'document')}.pdf"
	if outbound.channel == "Email":
		send_email(settings.collateral_email_account, outbound.email, outbound.subject, pdf, filename)
		return None
	if settings.fax_gateway == EMAIL_TO_FAX:
		if not settings.fax_address_pattern:
			raise GatewayNotConfigured(_("Set the fax address pattern in Referral CRM Settings."))
		address = fax_email_address(settings.fax_address_pattern, outbound.fax_number)
		send_email(settings.fax_email_account, address, outbound.subject, pdf, filename)
		return address
	if not settings.fax_api_url:
		raise GatewayNotConfigured(_("Set the fax API URL in Referral CRM Settings."))
	return send_fax(
		settings.fax_api_url,
		to_number=fax_digits(outbound.fax_number),
		from_number=fax_digits(settings.fax_from_number),
		pdf=pdf,
		filename=filename,
		username=settings.fax_api_username,
		password=settings.get_password("fax_api_password", raise_exception=False),
	)


def send_email(account_name: str | None, to: str, subject: str, pdf: bytes, filename: str) -> None:
	"""Straight to the account's SMTP server, so a refusal comes back to this attempt rather than to a queue."""
	account = (
		frappe.get_doc("Email Account", account_name)
		if account_name
		else EmailAccount.find_outgoing(_raise_error=False)
	)
	if not account:
		raise GatewayNotConfigured(_("No outgoing Email Account is set up to send from."))
	message = EmailMessage()
	message["From"] = account.email_id
	message["To"] = to
	message["Subject"] = subject
	message.set_content(_("Please find {0} attached.").format(subject))
	message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
	server = account.get_smtp_server()
	try:
		server.session.sendmail(account.email_id, [to], message.as_string())
	finally:
		server.quit()


def record_attempt(outbound, result: str, detail: str, reference: str | None) -> None:
	now = now_datetime()
	outbound.reload()
	outbound.attempts = (outbound.attempts or 0) + 1
	outbound.append("attempt_log", {"attempted_at": now, "result": result, "detail": detail[:1000]})
	if result == SENT:
		outbound.update(
			{
				"status": "Sent",
				"sent_at": now,
				"provider_reference": reference,
				"last_error": None,
				"next_attempt_at": None,
			}
		)
		outbound.flags.ignore_permissions = True
		outbound.save()
		if outbound.channel != "FHIR":  # a status update between systems is no visit to the office
			log_delivery(outbound)
		if outbound.purpose == "Visit Note" and outbound.reference_doctype == "Referral":
			stop_note_clock(outbound.reference_name, now)
		return
	retry_at = next_attempt_at(outbound.attempts, now) if result == RETRY else None
	outbound.update(
		{"status": "Queued" if retry_at else "Failed", "last_error": detail, "next_attempt_at": retry_at}
	)
	outbound.flags.ignore_permissions = True
	outbound.save()
	if not retry_at:
		tell_sender(outbound)


def log_delivery(outbound) -> None:
	"""The Communication on the document and the Visit on the practice a delivered send leaves behind."""
	to = format_phone(outbound.fax_number) if outbound.channel == "Fax" else outbound.email
	communication = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email" if outbound.channel == "Email" else "Other",
			"sent_or_received": "Sent",
			"subject": outbound.subject,
			"content": _("{0} sent by {1} to {2}.").format(outbound.subject, _(outbound.channel).lower(), to),
			"recipients": outbound.email if outbound.channel == "Email" else None,
			"reference_doctype": outbound.reference_doctype,
			"reference_name": outbound.reference_name,
			"sender": outbound.owner,
			"status": "Linked",
			"communication_date": outbound.sent_at,
		}
	).insert(ignore_permissions=True)
	visit = None
	if outbound.practice:
		visit = frappe.get_doc(
			{
				"doctype": "Visit",
				"practice": outbound.practice,
				"channel": outbound.channel,
				"outcome": "Sent",
				"visit_datetime": outbound.sent_at,
				"user": outbound.owner,
				"remarks": outbound.subject,
			}
		)
		visit.flags.ignore_permissions = True
		visit.insert()
	frappe.db.set_value(
		OUTBOUND,
		outbound.name,
		{"communication": communication.name, "visit": visit.name if visit else None},
		update_modified=False,
	)


def stop_note_clock(referral: str, sent_at) -> None:
	"""The visit note went out by fax: the referral's clock stops at the time it went."""
	doc = frappe.get_doc("Referral", referral)
	if not doc.visit_note_sent_at:
		doc.visit_note_sent_at = sent_at
		doc.flags.ignore_permissions = True
		doc.save()


def tell_sender(outbound) -> None:
	from referral_crm.todos import todo

	todo(
		outbound.owner,
		outbound,
		_("{0} to {1} could not be sent: {2}. Resend it or dismiss it.").format(
			outbound.subject,
			format_phone(outbound.fax_number)
			if outbound.channel == "Fax"
			else outbound.endpoint_url
			if outbound.channel == "FHIR"
			else outbound.email,
			outbound.last_error,
		),
		priority="High",
	)


def retry_due_sends() -> list[str]:
	"""Every few minutes: hand sends whose retry time has come back to the workers; revive stuck ones."""
	now = now_datetime()
	outbound = frappe.qb.DocType(OUTBOUND)
	stuck = (
		frappe.qb.from_(outbound)
		.select(outbound.name)
		.where(
			(outbound.status == "Sending")
			& (outbound.modified < add_to_date(now, minutes=-STUCK_AFTER_MINUTES))
		)
		.run(pluck=True)
	)
	for name in stuck:
		frappe.db.set_value(OUTBOUND, name, {"status": "Queued", "next_attempt_at": now})
	due = (
		frappe.qb.from_(outbound)
		.select(outbound.name)
		.where(
			(outbound.status == "Queued")
			& (outbound.next_attempt_at.isnotnull())
			& (outbound.next_attempt_at <= now)
		)
		.run(pluck=True)
	)
	for name in due:
		enqueue_delivery(name)
	return due


def faxes_sent_today() -> int:
	return frappe.db.count(OUTBOUND, {"channel": "Fax", "creation": (">=", get_datetime(today()))})


def queue_fax_batch(doctype: str, names: list[str], print_format: str) -> dict:
	"""The morning's faxes: as many as today's cap for the sending number allows; the rest are reported back."""
	cap = frappe.db.get_single_value(SETTINGS, "fax_daily_cap")
	room = within_cap(cap, faxes_sent_today(), len(names))
	batch = f"{today()}-{frappe.generate_hash(length=6)}"
	queued, skipped = [], []
	for name in names[:room]:
		try:
			queued.append(queue_send(doctype, name, print_format, "Fax", batch=batch).name)
		except frappe.ValidationError as e:
			skipped.append((name, strip_html(str(e))))
			frappe.local.message_log = []
	return {"queued": queued, "held_back": names[room:], "skipped": skipped, "batch": batch}


__all__ = ["MAX_ATTEMPTS", "deliver", "queue_send", "queue_fax_batch", "retry_due_sends"]
