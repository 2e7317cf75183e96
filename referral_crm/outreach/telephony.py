"""Calls through the agency's voice provider: click-to-call, the power dialer over a queue, inbound
calls shown to the people on duty, and recordings kept privately for a while.

A call is an Outreach Call, placed as the person who asked for it (their rights, their Visit) and
then moved on only by the provider's signed callbacks (telephony_webhooks.py). What a call leaves
behind is one Visit on the office, whatever the number of times a callback is delivered. URLs and
parameters sent to the provider carry the call's random id and phone numbers, never a name.
"""

from contextlib import contextmanager
from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_datetime, getdate, now_datetime, today

from referral_crm.core.errors import InvalidPhoneNumberError
from referral_crm.core.outreach.telephony import (
	ANSWERED,
	DEFAULT_DAILY_CAP,
	LEFT_VOICEMAIL,
	VISIT_OUTCOME,
	CallerNumber,
	choose_caller_number,
	phone_variants,
	recording_expires_on,
	remaining_capacity,
	send_digits,
	split_extension,
)
from referral_crm.core.phone import format_phone, normalize_phone
from referral_crm.core.referral_sources.stages import DO_NOT_CONTACT
from referral_crm.integrations.twilio_voice import PROVIDERS, OutboundCall, VoiceProviderError

SETTINGS = "Referral Telephony Settings"
CALL = "Outreach Call"
NUMBER = "Outbound Caller Number"
RECORDING = "Call Recording"
WEBHOOKS = "/api/method/referral_crm.outreach.telephony_webhooks."
LIVE_STATUSES = ("Queued", "Ringing", "In Progress")
CALLABLE = {"Practice": ("phone",), "Provider": ("phone",), "Contact": ("phone", "mobile_no")}
MAX_RECORDING_ATTEMPTS = 5


class TelephonyNotConfigured(frappe.ValidationError):
	pass


class DoNotContactError(frappe.ValidationError):
	pass


class CapacityUsedUp(frappe.ValidationError):
	pass


# Settings and the provider
# -------------------------


def get_settings():
	return frappe.get_cached_doc(SETTINGS)


def is_enabled() -> bool:
	return bool(cint(frappe.db.get_single_value(SETTINGS, "enabled")))


def enabled_settings():
	settings = get_settings()
	if not settings.enabled:
		frappe.throw(
			_("Calls through the provider are off. A manager turns them on in Referral Telephony Settings."),
			TelephonyNotConfigured,
			title=_("Telephony Off"),
		)
	return settings


def get_provider(settings=None):
	settings = settings or get_settings()
	return PROVIDERS[settings.provider or "Twilio"](
		settings.account_sid,
		settings.get_password("auth_token", raise_exception=False) or "",
		settings.api_base_url,
	)


def webhook_url(method: str, settings=None, **query) -> str:
	settings = settings or get_settings()
	url = f"{settings.webhook_base_url}{WEBHOOKS}{method}"
	return f"{url}?{urlencode(query)}" if query else url


def room_of(agent_call: str) -> str:
	return f"dialer-{agent_call}"


def commit_before_the_provider_calls_back() -> None:
	"""The provider calls back within milliseconds, from another request: the call record (and the
	caller number it took from today's cap) must be in the database before the provider is asked."""
	frappe.db.commit()


@contextmanager
def acting_as(user: str | None):
	"""Write what a call leaves behind as the person who placed it (their permissions, their name)."""
	previous = frappe.session.user
	frappe.set_user(user or "Administrator")
	try:
		yield
	finally:
		frappe.set_user(previous)


# Caller numbers and caps
# -----------------------


def calls_today(numbers: list[str]) -> dict[str, int]:
	if not numbers:
		return {}
	call = frappe.qb.DocType(CALL)
	rows = (
		frappe.qb.from_(call)
		.select(call.caller_number, frappe.query_builder.functions.Count("*").as_("calls"))
		.where(call.caller_number.isin(numbers))
		.where(call.direction == "Outbound")
		.where(call.creation >= get_datetime(today()))
		.groupby(call.caller_number)
		.run(as_dict=True)
	)
	return {row.caller_number: row.calls for row in rows}


def _caller_numbers(lock: bool = False) -> list[CallerNumber]:
	number = frappe.qb.DocType(NUMBER)
	query = (
		frappe.qb.from_(number)
		.select(number.name, number.phone_number, number.daily_cap, number.last_used_at)
		.where(number.enabled == 1)
		.orderby(number.name)
	)
	rows = (query.for_update() if lock else query).run(as_dict=True)
	used = calls_today([row.name for row in rows])
	default_cap = cint(frappe.db.get_single_value(SETTINGS, "default_daily_cap")) or DEFAULT_DAILY_CAP
	return [
		CallerNumber(
			name=row.name,
			phone=row.phone_number,
			daily_cap=cint(row.daily_cap) or default_cap,
			used_today=used.get(row.name, 0),
			last_used=get_datetime(row.last_used_at) if row.last_used_at else None,
		)
		for row in rows
	]


def capacity_left() -> int:
	return remaining_capacity(_caller_numbers())


def reserve_caller_number(destination: str) -> CallerNumber:
	"""The agency number the next call goes out from. The numbers stay locked until the call record
	that counts against the cap is committed, so two people dialling at once never pass a cap."""
	chosen = choose_caller_number(_caller_numbers(lock=True), destination)
	if not chosen:
		frappe.throw(
			_("Today's calling capacity is used up: every agency number has placed its daily cap of calls."),
			CapacityUsedUp,
			title=_("Daily Cap Reached"),
		)
	frappe.db.set_value(NUMBER, chosen.name, "last_used_at", now_datetime(), update_modified=False)
	return chosen


# Whom a call reaches
# -------------------


def practice_of(doc) -> str | None:
	if doc.doctype == "Practice":
		return doc.name
	if doc.doctype == "Provider":
		return doc.primary_practice or next((row.practice for row in doc.practices), None)
	if doc.doctype == "Contact":
		return next((row.link_name for row in doc.links if row.link_doctype == "Practice"), None)
	return None


def numbers_of(doc) -> list[str]:
	found = [doc.get(fieldname) for fieldname in CALLABLE[doc.doctype]]
	if doc.doctype == "Contact":
		found += [row.phone for row in doc.phone_nos]
	numbers = []
	for raw in filter(None, found):
		try:
			numbers.append(normalize_phone(raw))
		except InvalidPhoneNumberError:
			continue
	return list(dict.fromkeys(numbers))


def refuse_do_not_contact(practice: str | None) -> None:
	if practice and frappe.db.get_value("Practice", practice, "account_stage") == DO_NOT_CONTACT:
		frappe.throw(
			_("{0} asked not to be contacted: it is never dialled.").format(
				frappe.db.get_value("Practice", practice, "practice_name") or practice
			),
			DoNotContactError,
			title=_("Do Not Contact"),
		)


def own_phone(user: str | None = None) -> str:
	user = user or frappe.session.user
	values = frappe.db.get_value("User", user, ["mobile_no", "phone"], as_dict=True) or {}
	for raw in (values.get("mobile_no"), values.get("phone")):
		try:
			if raw and (number := normalize_phone(raw)):
				return number
		except InvalidPhoneNumberError:
			continue
	frappe.throw(
		_("Add your mobile number to your user settings: the call rings you there first."),
		title=_("Your Phone Number"),
	)


def place_call(values: dict, outbound: OutboundCall, settings) -> "frappe.Document":
	"""Record the call, then ask the provider to place it; a refusal stays on the record and is shown."""
	call = frappe.get_doc(
		{
			"doctype": CALL,
			"direction": "Outbound",
			"user": frappe.session.user,
			"status": "Queued",
			"voice_provider": settings.provider or "Twilio",
			"started_at": now_datetime(),
			**values,
		}
	).insert()
	outbound.answer_url = webhook_url("answer", settings, call=call.name)
	outbound.status_url = webhook_url("status", settings, call=call.name)
	commit_before_the_provider_calls_back()
	try:
		sid = get_provider(settings).place_call(outbound)
	except VoiceProviderError as e:
		call.db_set({"status": "Failed", "error": str(e), "ended_at": now_datetime()})
		commit_before_the_provider_calls_back()
		frappe.throw(_("The call could not be placed: {0}").format(str(e)), title=_("Call Not Placed"))
	call.db_set("call_sid", sid)
	return call


# Click-to-call
# -------------


@frappe.whitelist(methods=["POST"])
def click_to_call(doctype: str, name: str, number: str | None = None) -> dict:
	"""Ring the user's own phone, then the office, from an agency number; the Visit follows by itself."""
	if doctype not in CALLABLE:
		frappe.throw(_("Calls are placed from a practice, a provider or a contact."))
	frappe.has_permission(doctype, "read", name, throw=True)
	frappe.has_permission("Visit", "create", throw=True)
	settings = enabled_settings()
	doc = frappe.get_doc(doctype, name)
	numbers = numbers_of(doc)
	if number:
		try:
			number = normalize_phone(number)
		except InvalidPhoneNumberError:
			number = None
		if number not in numbers:
			frappe.throw(_("That number is not on {0}.").format(doc.get_title()), title=_("Unknown Number"))
	office = number or (numbers[0] if numbers else None)
	if not office:
		frappe.throw(_("{0} has no phone number.").format(doc.get_title()), title=_("No Phone Number"))
	practice = practice_of(doc)
	if not practice:
		frappe.throw(
			_("Link {0} to a practice first: the call is logged on the office.").format(doc.get_title())
		)
	frappe.has_permission("Practice", "read", practice, throw=True)
	refuse_do_not_contact(practice)
	user_number = own_phone()
	caller = reserve_caller_number(office)
	call = place_call(
		{
			"mode": "Click to Call",
			"practice": practice,
			"provider": doc.name if doctype == "Provider" else None,
			"contact": doc.name if doctype == "Contact" else None,
			"office_number": office,
			"caller_number": caller.name,
			"user_number": user_number,
		},
		OutboundCall(
			to=user_number,
			caller_id=caller.phone,
			answer_url="",
			status_url="",
			timeout=ring_timeout(settings),
		),
		settings,
	)
	return {"call": call.name, "office": format_phone(office), "ringing": format_phone(user_number)}


def ring_timeout(settings) -> int:
	return cint(settings.ring_timeout) or 25


# The power dialer
# ----------------


def _session(queue: str, live_only: bool = True) -> "frappe._dict | None":
	filters = {"mode": "Dialer Agent", "user": frappe.session.user, "queue": queue}
	if live_only:
		filters["status"] = ("in", LIVE_STATUSES)
	found = frappe.get_all(
		CALL, filters=filters, fields=["name", "status", "call_sid"], order_by="creation desc", limit=1
	)
	return found[0] if found else None


def _live_office_call(session: str) -> "frappe._dict | None":
	found = frappe.get_all(
		CALL,
		filters={"agent_call": session, "status": ("in", LIVE_STATUSES)},
		fields=["name", "status", "practice"],
		limit=1,
	)
	return found[0] if found else None


@frappe.whitelist(methods=["POST"])
def start_dialer(queue: str) -> dict:
	"""Ring the user's phone into a room of their own; office calls then join it one after another."""
	frappe.has_permission("Outreach Queue", "read", queue, throw=True)
	frappe.has_permission("Visit", "create", throw=True)
	settings = enabled_settings()
	if frappe.db.get_value("Outreach Queue", queue, "action") != "Call":
		frappe.throw(_("The dialer works call queues."))
	session = _session(queue)
	if session:
		return get_dialer_state(queue)
	if capacity_left() < 2:
		frappe.throw(
			_("Today's calling capacity is used up: every agency number has placed its daily cap of calls."),
			CapacityUsedUp,
			title=_("Daily Cap Reached"),
		)
	user_number = own_phone()
	caller = reserve_caller_number(user_number)
	place_call(
		{"mode": "Dialer Agent", "queue": queue, "caller_number": caller.name, "user_number": user_number},
		OutboundCall(
			to=user_number,
			caller_id=caller.phone,
			answer_url="",
			status_url="",
			timeout=ring_timeout(settings),
		),
		settings,
	)
	return get_dialer_state(queue)


@frappe.whitelist(methods=["GET"])
def get_dialer_state(queue: str) -> dict:
	frappe.has_permission("Outreach Queue", "read", queue, throw=True)
	session = _session(queue)
	if not session:
		return {"active": False, "capacity": capacity_left()}
	office = _live_office_call(session.name)
	return {
		"active": True,
		"session": session.name,
		"session_status": session.status,
		"office_call": office.name if office else None,
		"capacity": capacity_left(),
	}


@frappe.whitelist(methods=["POST"])
def dial_next(queue: str) -> dict:
	"""Call the office the user is at in the queue (skipping those with no number); stops at the cap."""
	from referral_crm.outreach.queue import get_current_office, skip_office

	frappe.has_permission("Outreach Queue", "read", queue, throw=True)
	frappe.has_permission("Visit", "create", throw=True)
	settings = enabled_settings()
	session = _session(queue)
	if not session:
		frappe.throw(_("Start calling first."), title=_("Dialer Not Running"))
	if session.status != "In Progress":
		frappe.throw(_("Answer your phone first: calls join you there."), title=_("Waiting for You"))
	if _live_office_call(session.name):
		frappe.throw(_("The current call is still going."), title=_("Call in Progress"))
	if capacity_left() < 1:
		return {"capacity_used_up": True, "message": _("Today's calling capacity is used up.")}
	card = get_current_office(queue)
	for _attempt in range(50):
		if card.get("empty"):
			return {"done": True, "card": card}
		practice = card["practice"]["name"]
		number = (card["practice"].get("phone") or {}).get("dial", "").replace(",", ";ext=")
		stage = frappe.db.get_value("Practice", practice, "account_stage")
		if number and stage != DO_NOT_CONTACT:
			break
		card = skip_office(queue, practice)
	else:
		return {"done": True, "card": card}
	try:
		caller = reserve_caller_number(number)
	except CapacityUsedUp:
		frappe.clear_messages()
		return {"capacity_used_up": True, "message": _("Today's calling capacity is used up."), "card": card}
	to, extension = split_extension(number)
	call = place_call(
		{
			"mode": "Power Dialer",
			"queue": queue,
			"agent_call": session.name,
			"practice": practice,
			"office_number": number,
			"caller_number": caller.name,
		},
		OutboundCall(
			to=to,
			caller_id=caller.phone,
			answer_url="",
			status_url="",
			send_digits=send_digits(extension),
			machine_detection=bool(settings.machine_detection),
			timeout=ring_timeout(settings),
		),
		settings,
	)
	return {"call": call.name, "card": card}


@frappe.whitelist(methods=["POST"])
def stop_dialer(queue: str) -> dict:
	frappe.has_permission("Outreach Queue", "read", queue, throw=True)
	session = _session(queue)
	if session:
		provider = get_provider()
		for name, sid in [(session.name, session.call_sid)] + [
			(c.name, c.call_sid)
			for c in frappe.get_all(
				CALL,
				filters={"agent_call": session.name, "status": ("in", LIVE_STATUSES)},
				fields=["name", "call_sid"],
			)
		]:
			if sid:
				try:
					provider.end_call(sid)
				except VoiceProviderError as e:
					frappe.log_error(f"Ending call {name}", str(e))
			frappe.db.set_value(CALL, name, {"status": "Completed", "ended_at": now_datetime()})
	return {"active": False}


@frappe.whitelist(methods=["GET"])
def get_call(call: str) -> dict:
	frappe.has_permission(CALL, "read", call, throw=True)
	return call_state(frappe.get_doc(CALL, call))


def call_state(call) -> dict:
	return {
		"call": call.name,
		"mode": call.mode,
		"status": call.status,
		"disposition": call.disposition,
		"outcome": VISIT_OUTCOME.get(call.disposition) if call.disposition else None,
		"visit": call.visit,
		"duration": call.duration,
		"practice": call.practice,
		"queue": call.queue,
	}


def publish_call(call) -> None:
	if call.user:
		frappe.publish_realtime("referral_crm_call", call_state(call), user=call.user, after_commit=True)


# What a call leaves behind
# -------------------------


def finish_call(call_name: str, disposition: str, duration: int) -> str | None:
	"""Record how the call ended and write its one Visit. Safe to run any number of times."""
	visit = frappe.db.get_value(CALL, call_name, "visit", for_update=True)
	call = frappe.get_doc(CALL, call_name)
	if not call.disposition:  # the first final word stands; a replayed callback changes nothing
		call.db_set({"disposition": disposition, "duration": cint(duration)})
	if visit:
		if not frappe.db.get_value("Visit", visit, "call_duration"):
			frappe.db.set_value("Visit", visit, "call_duration", cint(duration), update_modified=False)
		return visit
	if not call.practice:
		return None
	visit = write_visit(call, VISIT_OUTCOME[disposition], remarks=_automatic_remark(call, disposition))
	return visit


def _automatic_remark(call, disposition: str) -> str:
	if disposition == ANSWERED:
		return ""
	how = _("by the power dialer") if call.mode == "Power Dialer" else _("by click-to-call")
	return _("{0}, dialled {1}").format(_(disposition), how)


def write_visit(call, outcome: str, **values) -> str:
	with acting_as(call.user):
		visit = frappe.get_doc(
			{
				"doctype": "Visit",
				"practice": call.practice,
				"channel": "Phone Call",
				"outcome": outcome,
				"visit_datetime": call.started_at or now_datetime(),
				"user": call.user,
				"outreach_call": call.name,
				"call_duration": cint(call.duration),
				"providers_met": [{"provider": call.provider}] if call.provider else [],
				"contacts_met": [{"contact": call.contact}] if call.contact else [],
				**{k: v for k, v in values.items() if v},
			}
		).insert()
	frappe.db.set_value(CALL, call.name, "visit", visit.name, update_modified=False)
	return visit.name


def log_call_outcome(call_name: str, outcome: str, remarks, next_step, follow_up_date) -> str:
	"""The person's word on a dialled call: fills the Visit the call wrote, or writes it now."""
	call = frappe.get_doc(CALL, call_name)
	if call.user != frappe.session.user:
		frappe.throw(_("That call is not yours."), frappe.PermissionError)
	visit = frappe.db.get_value(CALL, call_name, "visit", for_update=True)
	values = {"remarks": remarks, "next_step": next_step, "follow_up_date": follow_up_date or None}
	if not visit:
		return write_visit(call, outcome, **values)
	doc = frappe.get_doc("Visit", visit)
	if outcome == LEFT_VOICEMAIL or doc.outcome != outcome:
		doc.outcome = outcome
	doc.update({k: v for k, v in values.items() if v})
	doc.save()
	return doc.name


# Inbound calls
# -------------


def match_caller(number: str) -> dict:
	"""The practice, provider or office contact a calling number belongs to (practice first)."""
	try:
		number = normalize_phone(number)
	except InvalidPhoneNumberError:
		return {}
	variants = phone_variants(number)
	if not variants:
		return {}
	practice = frappe.get_all("Practice", filters={"phone": ("in", variants)}, pluck="name", limit=1)
	if practice:
		return {"practice": practice[0]}
	provider = frappe.get_all(
		"Provider", filters={"phone": ("in", variants)}, fields=["name", "primary_practice"], limit=1
	)
	if provider:
		return {"provider": provider[0].name, "practice": provider[0].primary_practice}
	# Only office contacts: on the same site a number may also be a patient's (Healthcare) or a
	# customer's (ERPNext) contact, which the people on duty must not be shown.
	contacts = frappe.get_all(
		"Contact Phone", filters={"phone": ("in", variants), "parenttype": "Contact"}, pluck="parent"
	) + frappe.get_all("Contact", filters={"mobile_no": ("in", variants)}, pluck="name")
	links = frappe.get_all(
		"Dynamic Link",
		filters={
			"parenttype": "Contact",
			"parent": ("in", contacts or [""]),
			"link_doctype": ("in", ("Practice", "Provider")),
		},
		fields=["parent", "link_doctype", "link_name"],
	)
	if not links:
		return {}
	link = next((row for row in links if row.link_doctype == "Practice"), links[0])
	practice = (
		link.link_name
		if link.link_doctype == "Practice"
		else frappe.db.get_value("Provider", link.link_name, "primary_practice")
	)
	return {"contact": link.parent, "practice": practice}


def duty_users(settings=None) -> list[str]:
	settings = settings or get_settings()
	return [row.user for row in settings.duty_users if frappe.db.get_value("User", row.user, "enabled")]


def office_card(call) -> dict:
	"""What the people on duty see when the office calls: no patient data, only the account."""
	card = {"call": call.name, "number": format_phone(call.office_number), "raw_number": call.office_number}
	if call.provider:
		card["provider"] = frappe.db.get_value("Provider", call.provider, "provider_name")
	if call.contact:
		card["contact"] = frappe.db.get_value("Contact", call.contact, "full_name") or call.contact
	if not call.practice:
		return card
	practice = frappe.db.get_value(
		"Practice",
		call.practice,
		["name", "practice_name", "account_stage", "account_owner", "city", "last_contact_date"],
		as_dict=True,
	)
	month_start = getdate(today()).replace(day=1)
	card.update(
		practice=practice,
		touches=frappe.get_all(
			"Visit",
			filters={"practice": call.practice},
			fields=["visit_datetime", "channel", "outcome", "user"],
			order_by="visit_datetime desc",
			limit=3,
		),
		issues=frappe.get_all(
			"Partner Issue",
			filters={"practice": call.practice, "status": ("in", ("Open", "In Progress"))},
			fields=["name", "issue_type", "status", "due_date"],
			order_by="due_date asc",
			limit=5,
		),
		referrals_this_month=frappe.db.count(
			"Referral", {"referring_practice": call.practice, "received_at": (">=", month_start)}
		),
	)
	return card


def announce_call(call, settings=None) -> list[str]:
	"""Pop the caller's office up on the desks of the people on duty who may see that office."""
	card = office_card(call)
	told = []
	for user in duty_users(settings):
		if call.practice and not frappe.has_permission("Practice", "read", call.practice, user=user):
			continue
		frappe.publish_realtime("referral_crm_incoming_call", card, user=user, after_commit=True)
		told.append(user)
	return told


def missed_call(call, settings=None) -> str | None:
	"""A call nobody answered becomes a ToDo for whoever works the account (or the first on duty)."""
	from referral_crm.todos import todo

	frappe.db.set_value(CALL, call.name, "disposition", "Missed", update_modified=False)
	number = format_phone(call.office_number)
	if call.practice:
		practice = frappe.get_doc("Practice", call.practice)
		owner = practice.account_owner or practice.liaison or practice.referral_coordinator
		owner = owner or next(iter(duty_users(settings)), None)
		return todo(
			owner, practice, _("Missed call from {0} ({1}): call back").format(practice.practice_name, number)
		)
	owner = next(iter(duty_users(settings)), None)
	if not owner:
		return None
	return todo(owner, call, _("Missed call from {0}, an unknown number: call back").format(number))


@frappe.whitelist(methods=["POST"])
def create_contact_from_call(
	call: str, first_name: str, last_name: str | None = None, practice: str | None = None
):
	"""Two clicks from an unknown caller's pop-up to a Contact of the office (with the number on it)."""
	frappe.has_permission("Contact", "create", throw=True)
	if practice:
		frappe.has_permission("Practice", "read", practice, throw=True)
	values = frappe.db.get_value(CALL, call, ["direction", "office_number", "contact"], as_dict=True)
	if not values or values.direction != "Inbound":
		frappe.throw(_("That is not an incoming call."))
	if frappe.session.user not in duty_users() and not frappe.has_permission(CALL, "read", call):
		frappe.throw(_("Only the people on duty add callers."), frappe.PermissionError)
	if values.contact:
		return values.contact
	if not (first_name or "").strip():
		frappe.throw(_("Enter the caller's name."))
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name.strip(),
			"last_name": (last_name or "").strip(),
			"phone_nos": [{"phone": values.office_number, "is_primary_phone": 1}],
			"links": [{"link_doctype": "Practice", "link_name": practice}] if practice else [],
		}
	).insert()
	frappe.db.set_value(CALL, call, {"contact": contact.name, "practice": practice}, update_modified=False)
	return contact.name


# Recordings
# ----------


def recording_received(call, recording_sid: str, recording_url: str, duration) -> str | None:
	"""Note a finished recording (once) and fetch it into a private file in the background."""
	if frappe.db.exists(RECORDING, {"recording_sid": recording_sid}):
		return None
	settings = get_settings()
	expires = recording_expires_on(get_datetime(now_datetime()), cint(settings.recording_retention_days))
	doc = frappe.get_doc(
		{
			"doctype": RECORDING,
			"outreach_call": call.name,
			"visit": frappe.db.get_value(CALL, call.name, "visit"),
			"practice": call.practice,
			"user": call.user,
			"recording_sid": recording_sid,
			"recording_url": recording_url,
			"duration": cint(duration),
			"status": "Pending",
			"expires_on": getdate(expires) if expires else None,
		}
	).insert(ignore_permissions=True)
	enqueue_recording(doc.name)
	return doc.name


def enqueue_recording(name: str) -> None:
	frappe.enqueue(
		"referral_crm.outreach.telephony.store_recording",
		name=name,
		job_id=f"referral_crm_recording::{name}",
		deduplicate=True,
		enqueue_after_commit=True,
	)


def store_recording(name: str) -> str:
	"""Download the recording into a private file on the Call Recording, then delete it at the provider,
	so the agency's copy is the only one. Failures stay Pending and are retried, then shown as Failed."""
	doc = frappe.get_doc(RECORDING, name)
	if doc.status != "Pending":
		return doc.status
	provider = get_provider()
	attempts = cint(doc.attempts) + 1
	try:
		audio = provider.fetch_recording(doc.recording_url)
	except VoiceProviderError as e:
		status = "Failed" if attempts >= MAX_RECORDING_ATTEMPTS else "Pending"
		doc.db_set({"attempts": attempts, "error": str(e), "status": status})
		return status
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"call-{doc.outreach_call}.mp3",
			"attached_to_doctype": RECORDING,
			"attached_to_name": doc.name,
			"attached_to_field": "audio",
			"is_private": 1,
			"content": audio,
		}
	).insert(ignore_permissions=True)
	doc.db_set({"attempts": attempts, "error": None, "status": "Stored", "audio": file.file_url})
	try:
		provider.delete_recording(doc.recording_sid)
	except VoiceProviderError as e:
		doc.db_set("error", _("Kept at the provider too: {0}").format(str(e)))
	return "Stored"


def retry_pending_recordings() -> None:
	for name in frappe.get_all(
		RECORDING,
		filters={"status": "Pending", "modified": ("<", add_days(now_datetime(), -1 / 144))},
		pluck="name",
	):
		enqueue_recording(name)


def delete_expired_recordings() -> int:
	"""The nightly retention job; every deletion leaves a line on the call (see log_recording_deletion)."""
	expired = frappe.get_all(RECORDING, filters={"expires_on": ("<=", today())}, pluck="name")
	for name in expired:
		doc = frappe.get_doc(RECORDING, name)
		doc.flags.deleted_for_retention = True
		doc.delete(ignore_permissions=True)
	return len(expired)


def log_recording_deletion(doc) -> None:
	if doc.flags.deleted_for_retention:
		why = _("at the end of its retention period")
	else:
		why = _("by {0}").format(frappe.session.user)
	text = _("Recording {0} ({1} s) deleted {2}.").format(doc.recording_sid, cint(doc.duration), why)
	frappe.get_doc(CALL, doc.outreach_call).add_comment("Info", text)
	frappe.logger("referral_crm.recordings").info(text)


def extend_bootinfo(bootinfo) -> None:
	"""Whether the desk offers click-to-call (numbers stay plain tel: links otherwise)."""
	try:
		enabled = is_enabled()
	except frappe.DoesNotExistError:  # before the migrate that creates the settings
		enabled = False
	bootinfo.referral_crm_telephony = {
		"enabled": enabled,
		"on_duty": enabled and frappe.session.user in {row.user for row in get_settings().duty_users},
	}
