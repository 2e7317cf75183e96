"""HL7 v2 ADT and SIU messages from an EMR drive the referral's transitions, over HTTP or MLLP.

Each message is kept as an HL7 Message (patient data at level 1) and answered: AA when applied, AR when
its form is wrong, AE when it cannot be applied (no matching referral, a closed referral, a transition
the sending user may not make). Nothing is dropped: a message in error waits in the HL7 Message list
for a person, who can link the right referral and apply it again. A message sent twice (same sender,
same MSH-10) is applied once and acknowledged each time.
"""

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow
from frappe.utils import now_datetime, strip_html
from werkzeug.wrappers import Response

from referral_crm.core.referrals.hl7v2 import (
	ACCEPT,
	CLOSED,
	ERROR,
	REJECT,
	V2MessageError,
	acknowledgement,
	field_text,
	parse_message,
	plan_for,
	read_event,
	reject_unreadable,
	split_messages,
)
from referral_crm.referrals.intake import _within_rate_limit

MESSAGE = "HL7 Message"
ER7 = "x-application/hl7-v2+er7"


def http_endpoint() -> Response:
	"""POST /hl7/v2 with one message (or a batch) as the body; the ACK(s) come back in the answer."""
	request = frappe.local.request
	if request.method != "POST":
		return Response(_("POST an HL7 v2 message here."), status=405, content_type="text/plain")
	text = request.get_data(as_text=True)
	try:
		if frappe.session.user == "Guest":
			raise frappe.PermissionError(_("Authenticate with an API key and secret."))
		ack = receive(text, "HTTP")
		status = 200
	except frappe.PermissionError as e:
		frappe.db.rollback()
		ack, status = (
			reject_unreadable(text, strip_html(str(e))),
			401 if frappe.session.user == "Guest" else 403,
		)
	except frappe.RateLimitExceededError as e:
		frappe.db.rollback()
		ack, status = reject_unreadable(text, strip_html(str(e))), 429
	finally:
		frappe.local.message_log = []
	return Response(ack, status=status, content_type=ER7)


def receive(text: str, transport: str = "HTTP") -> str:
	"""Take one message or a batch as the calling user; return the acknowledgement(s)."""
	frappe.has_permission(MESSAGE, "create", throw=True)
	_within_rate_limit()
	try:
		messages = split_messages(text)
	except V2MessageError as e:
		keep(text, transport, error=str(e), ack=REJECT)
		return reject_unreadable(text, str(e))
	return "".join(receive_one(message, transport) for message in messages)


def receive_one(text: str, transport: str) -> str:
	try:
		message = parse_message(text)
	except V2MessageError as e:
		keep(text, transport, error=str(e), ack=REJECT)
		return reject_unreadable(text, str(e))
	try:
		event = read_event(message)
	except V2MessageError as e:
		keep(text, transport, error=str(e), ack=e.code, message=message)
		return acknowledgement(message, e.code, str(e), e.segment)

	existing = frappe.db.get_value(
		MESSAGE,
		{"source_system": frappe.session.user, "control_id": event.control_id},
		["name", "status"],
		as_dict=True,
	)
	if existing and existing.status == "Applied":
		return acknowledgement(message, ACCEPT, _("already received"))
	doc = (
		frappe.get_doc(MESSAGE, existing.name)
		if existing
		else keep(text, transport, message=message, event=event)
	)
	code, reason, segment = apply(doc, event)
	return acknowledgement(message, code, reason, segment)


def keep(text, transport, error=None, ack=None, message=None, event=None) -> "frappe.Document":
	"""The message on record, before anything is done with it."""
	header = {}
	if message is not None:
		header = {
			"message_type": "^".join(
				p for p in (field_text(message, "MSH", 9, 1, 1), field_text(message, "MSH", 9, 1, 2)) if p
			),
			"control_id": field_text(message, "MSH", 10),
			"sending_application": field_text(message, "MSH", 3, 1, 1),
		}
	doc = frappe.get_doc(
		{
			"doctype": MESSAGE,
			"transport": transport,
			"received_at": now_datetime(),
			"source_system": frappe.session.user,
			"status": "Error" if error else "Received",
			"error": error,
			"ack_code": ack,
			"patient_name": f"{event.patient_first_name} {event.patient_last_name}" if event else None,
			"raw_message": text,
			**{k: v for k, v in header.items() if v},
		}
	)
	doc.insert()
	return doc


def apply(doc, event) -> tuple[str, str, str]:
	"""Move the referral as the event says, all or nothing; record the outcome on the message."""
	frappe.db.savepoint("hl7_message")
	try:
		referral = frappe.get_doc("Referral", doc.referral) if doc.referral else find_referral(event)
		referral.check_permission("write")
		plan = plan_for(event, referral.status, bool(referral.no_show))
		for action in plan.actions:
			referral = apply_workflow(referral, action)
		referral.reload()
		referral.update(plan.fields)
		referral.save()
		referral.add_comment("Info", plan.note)
		if event.event == "S15" and referral.status not in CLOSED:
			ask_to_rebook(referral, plan.note)
	except (V2MessageError, frappe.ValidationError, frappe.PermissionError) as e:
		frappe.db.rollback(save_point="hl7_message")
		frappe.local.message_log = []
		code = e.code if isinstance(e, V2MessageError) else ERROR
		reason = strip_html(str(e)) or e.__class__.__name__
		doc.update({"status": "Error", "error": reason, "ack_code": code})
		doc.save()
		return code, reason, getattr(e, "segment", "") or "PID"
	doc.update(
		{
			"status": "Applied",
			"referral": referral.name,
			"error": None,
			"ack_code": ACCEPT,
			"applied_note": plan.note
			+ (f" ({', '.join(plan.actions)})" if plan.actions else "")
			+ (_("; status now {0}").format(referral.status)),
		}
	)
	doc.save()
	return ACCEPT, "", ""


def find_referral(event) -> "frappe.Document":
	"""The referral the event is about: by the placer order number (the sender's referral id), else by
	the patient's name and date of birth among referrals still open or under care."""
	if event.order_number:
		referral = frappe.qb.DocType("Referral")
		names = (
			frappe.qb.from_(referral)
			.select(referral.name)
			.where(
				(referral.external_id == event.order_number)
				| (referral.external_id.like(f"%|{escape_like(event.order_number)}"))
			)
			.limit(2)
			.run(pluck=True)
		)
		if len(names) == 1:
			return frappe.get_doc("Referral", names[0])
	if not event.patient_date_of_birth:
		raise V2MessageError(
			_(
				"PID-7 (date of birth) is empty and SCH-26 names no referral: nothing to match the patient by."
			),
			ERROR,
			"PID",
		)
	filters = {
		"patient_last_name": event.patient_last_name,
		"patient_first_name": event.patient_first_name,
		"patient_date_of_birth": event.patient_date_of_birth,
		"status": ("not in", list(CLOSED)),
	}
	names = frappe.get_list("Referral", filters=filters, pluck="name", order_by="received_at desc", limit=5)
	if event.referring_npi and len(names) > 1:
		provider = frappe.db.get_value("Provider", {"npi": event.referring_npi})
		names = [
			n for n in names if frappe.db.get_value("Referral", n, "referring_provider") == provider
		] or names
	if not names:
		raise V2MessageError(_("No open referral matches the patient in PID."), ERROR, "PID")
	if len(names) > 1:
		raise V2MessageError(
			_("{0} open referrals match the patient in PID; choose one on the message.").format(len(names)),
			ERROR,
			"PID",
		)
	return frappe.get_doc("Referral", names[0])


def escape_like(text: str) -> str:
	return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def ask_to_rebook(referral, note: str) -> None:
	from referral_crm.todos import todo

	owner = referral.attributed_coordinator or frappe.db.get_value(
		"Practice", referral.referring_practice, "referral_coordinator"
	)
	if owner:
		todo(owner, referral, _("{0}. Rebook the start of care for {1}.").format(note, referral.name))
