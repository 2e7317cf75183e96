"""The voice provider's webhooks: what a call does next (TwiML) and how it went (status callbacks).

The provider is not a logged-in user, so each webhook is open to guests and trusts nothing until the
request's signature checks out against the agency's auth token for the exact public URL it was sent
to; anything else is refused with 403 before a record is read. A callback may come twice or out of
order: each handler moves a call forward only, and the one Visit a call writes is written under a lock.
"""

import frappe
from frappe import _
from frappe.utils import cint, now_datetime
from werkzeug.wrappers import Response

from referral_crm.core.outreach.telephony import (
	disposition,
	is_final,
	is_machine,
	send_digits,
	split_extension,
	status_label,
)
from referral_crm.integrations.twilio_voice import Bridge
from referral_crm.outreach.telephony import (
	CALL,
	NUMBER,
	announce_call,
	finish_call,
	get_provider,
	get_settings,
	match_caller,
	missed_call,
	publish_call,
	recording_received,
	ring_timeout,
	room_of,
	webhook_url,
)

FINAL_LABELS = {"Completed", "Busy", "No Answer", "Failed", "Canceled"}
SIGNATURE_HEADER = "X-Twilio-Signature"


class ForgedRequest(frappe.PermissionError):
	pass


def verify_provider_signature() -> tuple[dict, dict]:
	"""The request's form parameters and query, once its signature is the provider's; 403 otherwise."""
	settings = get_settings()
	if not settings.enabled or not settings.webhook_base_url:
		frappe.throw(_("This request is not signed by the voice provider."), ForgedRequest)
	request = frappe.request
	params = request.form.to_dict() if request.form else {}
	query = request.args.to_dict()
	url = settings.webhook_base_url + request.path
	if request.query_string:
		url += "?" + request.query_string.decode()
	signature = request.headers.get(SIGNATURE_HEADER)
	if not get_provider(settings).is_genuine(url, params, signature):
		frappe.throw(_("This request is not signed by the voice provider."), ForgedRequest)
	return params, query


def twiml(xml: str) -> Response:
	return Response(xml, mimetype="text/xml")


def nothing() -> Response:
	return twiml(get_provider().say("", hang_up=False))


def _call(query: dict):
	name = query.get("call")
	return frappe.get_doc(CALL, name) if name and frappe.db.exists(CALL, name) else None


def _recording(settings, call) -> dict:
	if not settings.record_calls:
		return {}
	return {"record": True, "recording_url": webhook_url("recording", settings, call=call.name)}


def _move_forward(call, params: dict) -> None:
	"""Note what the provider says about the call, never moving a finished call back."""
	status = params.get("CallStatus")
	updates = {}
	if params.get("CallSid") and not call.call_sid:
		updates["call_sid"] = params["CallSid"]
	if params.get("AnsweredBy") and not call.answered_by:
		updates["answered_by"] = params["AnsweredBy"]
	if status and call.status not in FINAL_LABELS:
		updates["status"] = status_label(status)
		if status == "in-progress" and not call.answered_at:
			updates["answered_at"] = now_datetime()
		if is_final(status):
			updates["ended_at"] = now_datetime()
			updates["duration"] = cint(params.get("CallDuration"))
			if params.get("SipResponseCode"):
				updates["sip_response_code"] = cint(params["SipResponseCode"])
	if updates:
		call.db_set(updates, update_modified=False)


@frappe.whitelist(allow_guest=True, methods=["POST"])
def answer():
	"""A placed call was answered: bridge it to the office, join the dialer room, or leave a message."""
	params, query = verify_provider_signature()
	call = _call(query)
	if not call:
		return twiml(get_provider().say("", hang_up=True))
	settings = get_settings()
	provider = get_provider(settings)
	_move_forward(call, {**params, "CallStatus": "in-progress"})
	caller_id = frappe.db.get_value(NUMBER, call.caller_number, "phone_number") if call.caller_number else ""
	if call.mode == "Click to Call":
		number, extension = split_extension(call.office_number)
		xml = provider.bridge(
			Bridge(
				number=number,
				send_digits=send_digits(extension),
				caller_id=caller_id,
				whisper_url=webhook_url("notice", settings) if settings.record_calls else "",
				action_url=webhook_url("dialed", settings, call=call.name),
				timeout=ring_timeout(settings),
				**_recording(settings, call),
			)
		)
	elif call.mode == "Dialer Agent":
		xml = provider.bridge(
			Bridge(
				room=room_of(call.name),
				end_room_on_exit=True,
				say_first=_("You are connected. Each office joins you here when it answers."),
			)
		)
	elif call.mode == "Power Dialer":
		answered_by = params.get("AnsweredBy") or ""
		if is_machine(answered_by):
			xml = provider.voicemail(settings.voicemail_drop_url)
		elif answered_by == "fax":
			xml = provider.say("", hang_up=True)
		else:
			xml = provider.bridge(
				Bridge(
					room=room_of(call.agent_call),
					say_first=settings.recording_notice if settings.record_calls else "",
					**_recording(settings, call),
				)
			)
	else:
		xml = provider.say("", hang_up=True)
	call.reload()
	publish_call(call)
	return twiml(xml)


@frappe.whitelist(allow_guest=True, methods=["POST"])
def status():
	"""The provider's status callback: ringing, answered, and the end with its duration."""
	params, query = verify_provider_signature()
	call = _call(query)
	if not call:
		return nothing()
	was_final = call.status in FINAL_LABELS
	_move_forward(call, params)
	call.reload()
	final = params.get("CallStatus")
	if call.mode == "Power Dialer" and is_final(final):
		finish_call(
			call.name,
			disposition(final, call.answered_by or params.get("AnsweredBy"), params.get("SipResponseCode")),
			cint(params.get("CallDuration")) if not was_final else call.duration,
		)
		call.reload()
	publish_call(call)
	return nothing()


@frappe.whitelist(allow_guest=True, methods=["POST"])
def dialed():
	"""The end of the office leg of a click-to-call, or of an inbound call rung through to the agency."""
	params, query = verify_provider_signature()
	call = _call(query)
	if not call:
		return nothing()
	dial_status = params.get("DialCallStatus") or ""
	if dial_status == "answered":
		dial_status = "completed"
	if call.mode == "Click to Call" and is_final(dial_status):
		finish_call(
			call.name,
			disposition(dial_status, None, params.get("SipResponseCode")),
			params.get("DialCallDuration"),
		)
	elif call.mode == "Inbound" and not call.disposition:
		if dial_status == "completed":
			call.db_set({"disposition": "Answered", "duration": cint(params.get("DialCallDuration"))})
		else:
			missed_call(call)
	call.reload()
	publish_call(call)
	return twiml(get_provider().say("", hang_up=True))


@frappe.whitelist(allow_guest=True, methods=["POST"])
def notice():
	"""Played to the office before a recorded call connects."""
	verify_provider_signature()
	return twiml(get_provider().say(get_settings().recording_notice or "", hang_up=False))


@frappe.whitelist(allow_guest=True, methods=["POST"])
def incoming():
	"""A call to one of the agency's numbers: match the caller, pop their office up, ring it through."""
	params, _query = verify_provider_signature()
	settings = get_settings()
	provider = get_provider(settings)
	sid = params.get("CallSid")
	existing = frappe.db.get_value(CALL, {"call_sid": sid}, "name") if sid else None
	if existing:
		call = frappe.get_doc(CALL, existing)
	else:
		number = params.get("From") or ""
		call = frappe.get_doc(
			{
				"doctype": CALL,
				"direction": "Inbound",
				"mode": "Inbound",
				"status": "Ringing",
				"office_number": number,
				"agency_number": params.get("To"),
				"call_sid": sid,
				"voice_provider": settings.provider or "Twilio",
				"started_at": now_datetime(),
				**match_caller(number),
			}
		).insert(ignore_permissions=True)
		announce_call(call, settings)
	if settings.inbound_forward_to:
		return twiml(
			provider.bridge(
				Bridge(
					number=settings.inbound_forward_to,
					caller_id=params.get("From") or "",
					action_url=webhook_url("dialed", settings, call=call.name),
					timeout=ring_timeout(settings),
					**_recording(settings, call),
				)
			)
		)
	if not call.disposition:
		missed_call(call, settings)
	greeting = settings.inbound_greeting or _("Thank you for calling. We will call you back shortly.")
	return twiml(provider.say(greeting, hang_up=True))


@frappe.whitelist(allow_guest=True, methods=["POST"])
def recording():
	"""A recording is ready at the provider: fetch it into the agency's private files."""
	params, query = verify_provider_signature()
	call = _call(query)
	if call and params.get("RecordingSid") and params.get("RecordingStatus", "completed") == "completed":
		recording_received(
			call, params["RecordingSid"], params.get("RecordingUrl") or "", params.get("RecordingDuration")
		)
	return nothing()
