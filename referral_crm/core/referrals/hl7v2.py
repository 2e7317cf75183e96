"""HL7 v2 ADT and SIU events from an EMR: what each message says, which referral transition it asks for,
and the ACK / NAK that answers it. Parsed with the `hl7` package."""

from dataclasses import dataclass, field
from datetime import datetime

import hl7

from referral_crm.core.errors import DomainError, InvalidNPIError
from referral_crm.core.referral_sources.npi import validate_npi
from referral_crm.core.referrals.referral import (
	ACCEPTED,
	ADMITTED,
	CANCELLED,
	DISCHARGED,
	IN_REVIEW,
	NOT_ADMITTED,
	RECEIVED,
	SCHEDULED,
)

ACCEPT, ERROR, REJECT = "AA", "AE", "AR"
RECEIVING_APPLICATION = "REFERRAL_CRM"

# Event -> (segments a message must carry exactly once, referral status it moves to, what it means)
EVENTS = {
	"A01": (("MSH", "PID", "PV1"), ADMITTED, "admitted"),
	"A03": (("MSH", "PID", "PV1"), DISCHARGED, "discharged"),
	"A04": (("MSH", "PID"), ACCEPTED, "registered"),
	"S12": (("MSH", "SCH", "PID"), SCHEDULED, "start of care booked"),
	"S15": (("MSH", "SCH", "PID"), None, "appointment cancelled"),
	"S26": (("MSH", "SCH", "PID"), None, "did not show"),
}
MESSAGE_TYPES = {"ADT": ("A01", "A03", "A04"), "SIU": ("S12", "S15", "S26")}
# The referral lifecycle's forward path and the workflow action into each step.
FORWARD = ((ACCEPTED, "Accept"), (SCHEDULED, "Schedule"), (ADMITTED, "Admit"), (DISCHARGED, "Discharge"))
CLOSED = (NOT_ADMITTED, CANCELLED)


class V2MessageError(DomainError):
	"""A message that cannot be taken: AR when its form is wrong, AE when it cannot be applied."""

	def __init__(self, text: str, code: str = REJECT, segment: str = ""):
		super().__init__(text)
		self.code, self.segment = code, segment


@dataclass
class V2Event:
	message_type: str  # "ADT" / "SIU"
	event: str  # "A01" ... "S26"
	control_id: str
	sending_application: str
	sending_facility: str
	patient_first_name: str
	patient_last_name: str
	patient_date_of_birth: str | None  # ISO date
	patient_id: str  # PID-3, the sender's MRN
	referring_npi: str = ""
	order_number: str = ""  # SCH-26 placer order number: the referral's id at the sender, when it has one
	occurred_at: datetime | None = None  # admit, discharge or appointment start
	fields: dict = field(default_factory=dict)

	@property
	def label(self) -> str:
		return f"{self.message_type}^{self.event}"


def split_messages(text: str) -> list[str]:
	"""One message, or each message of a batch (BHS..BTS) or file (FHS..FTS). A batch whose trailer counts
	a different number of messages than it holds is refused whole: something was lost on the way."""
	text = normalize(text)
	if not text:
		raise V2MessageError("the message is empty")
	if hl7.isfile(text):  # the hl7 package's isfile is true of a batch too
		try:
			parsed = hl7.parse_file(text)
		except hl7.ParseException as e:
			raise V2MessageError(f"the batch cannot be read: {e}")
		messages = []
		for batch in parsed:
			count = _trailer_count(batch)
			if count is not None and count != len(batch):
				raise V2MessageError(
					f"the batch trailer (BTS-1) counts {count} messages but the batch holds {len(batch)}",
					segment="BTS",
				)
			messages.extend(str(m) for m in batch)
		return messages
	return [text]


def _trailer_count(batch) -> int | None:
	trailer = batch.trailer
	if not trailer:
		return None
	value = str(trailer(1)).strip() if len(trailer) > 1 else ""
	return int(value) if value.isdigit() else None


def normalize(text: str) -> str:
	"""Segments end in CR; senders over HTTP often use LF or CRLF."""
	return "\r".join(line for line in text.replace("\n", "\r").split("\r") if line.strip())


def parse_message(text: str) -> hl7.Message:
	try:
		return hl7.parse(normalize(text))
	except (hl7.ParseException, ValueError, IndexError) as e:
		raise V2MessageError(f"not an HL7 v2 message: {e}", segment="MSH")


def read_event(message: hl7.Message) -> V2Event:
	"""The event a parsed ADT / SIU message reports, or V2MessageError (AR) naming what is wrong."""
	message_type = field_text(message, "MSH", 9).upper()
	event = field_text(message, "MSH", 9, 1, 2).upper()
	if message_type not in MESSAGE_TYPES or event not in MESSAGE_TYPES[message_type]:
		accepted = ", ".join(f"{t}^{e}" for t, events in MESSAGE_TYPES.items() for e in events)
		raise V2MessageError(
			f"message type {message_type}^{event} is not taken here (accepted: {accepted})", segment="MSH"
		)
	required, _status, _meaning = EVENTS[event]
	for segment in required:
		count = _count(message, segment)
		if count != 1:
			raise V2MessageError(
				f"{message_type}^{event} must carry one {segment} segment; this message has {count}",
				segment=segment,
			)
	control_id = field_text(message, "MSH", 10)
	if not control_id:
		raise V2MessageError("MSH-10 (message control id) is empty", segment="MSH")
	last, first = field_text(message, "PID", 5), field_text(message, "PID", 5, 1, 2)
	if not last:
		raise V2MessageError("PID-5 (patient name) has no family name", segment="PID")
	found = V2Event(
		message_type=message_type,
		event=event,
		control_id=control_id,
		sending_application=field_text(message, "MSH", 3),
		sending_facility=field_text(message, "MSH", 4),
		patient_first_name=first.title() if first.isupper() else first,
		patient_last_name=last.title() if last.isupper() else last,
		patient_date_of_birth=_date(message, "PID", 7),
		patient_id=field_text(message, "PID", 3),
	)
	if _count(message, "PV1"):
		found.referring_npi = _npi(message, "PV1", 8) or _npi(message, "PV1", 7)
	if message_type == "SIU":
		found.order_number = field_text(message, "SCH", 26)
		found.occurred_at = _when(message, "AIS", 4) or _when(message, "SCH", 11, 1, 4)
	elif event == "A01" or event == "A04":
		found.occurred_at = _when(message, "PV1", 44) or _when(message, "EVN", 2)
	elif event == "A03":
		found.occurred_at = _when(message, "PV1", 45) or _when(message, "EVN", 2)
	return found


def _count(message, segment: str) -> int:
	try:
		return len(message.segments(segment))
	except KeyError:
		return 0


def field_text(message, segment: str, *path: int) -> str:
	"""The text at field, repetition, component, subcomponent of the first such segment; a path that stops
	short reads the first of each level below it (the hl7 package's rule), so (5,) is PID-5.1.1."""
	if not _count(message, segment):
		return ""
	try:
		value = str(message.extract_field(segment, 1, *path)).strip()
	except (IndexError, KeyError):
		return ""
	return "" if value == '""' else value  # "" is HL7's explicit null


def _when(message, segment: str, *path: int) -> datetime | None:
	value = field_text(message, segment, *path)
	if not value:
		return None
	try:
		moment = hl7.parse_datetime(value)  # a datetime for any text it takes (None only for "")
	except ValueError:
		raise V2MessageError(f"{segment}-{path[0]} {value!r} is not an HL7 date and time", segment=segment)
	return moment.replace(tzinfo=None)


def _date(message, segment: str, field_number: int) -> str | None:
	moment = _when(message, segment, field_number)
	return moment.date().isoformat() if moment else None


def _npi(message, segment: str, field_number: int) -> str:
	"""The NPI of an XCN (id^family^given...), when its identifier type (XCN-13) or authority says NPI,
	or the id is ten digits with a valid check digit."""
	identifier = field_text(message, segment, field_number)
	kind = (
		field_text(message, segment, field_number, 1, 13) + field_text(message, segment, field_number, 1, 9)
	).upper()
	if not identifier:
		return ""
	try:
		npi = validate_npi(identifier)
	except InvalidNPIError:
		if "NPI" in kind:
			raise V2MessageError(
				f"{segment}-{field_number} {identifier!r} is not a valid NPI", segment=segment
			)
		return ""
	return npi


@dataclass(frozen=True)
class Plan:
	actions: tuple[str, ...]  # workflow actions, in order
	fields: dict
	note: str  # for the referral's timeline


def plan_for(event: V2Event, status: str, no_show: bool = False) -> Plan:
	"""What the event does to a referral now in `status`: the workflow actions to walk forward and the
	fields to set. An event the referral is already past changes nothing (a repeat is harmless)."""
	_segments, target, meaning = EVENTS[event.event]
	note = f"{event.label} from {event.sending_application or 'the EMR'}: {meaning}"
	if event.event == "S26":
		return Plan((), {} if no_show else {"no_show": 1}, note)
	if event.event == "S15":
		return Plan((), {}, note)
	if status in CLOSED:
		raise V2MessageError(f"the referral is {status}; {event.label} cannot move it", code=ERROR)
	actions = actions_between(status, target)
	fields = {}
	if event.occurred_at:
		if event.event in ("S12", "A01"):
			fields["start_of_care"] = event.occurred_at
		elif event.event == "A03":
			fields["discharged_at"] = event.occurred_at
	return Plan(actions, fields, note)


def actions_between(status: str, target: str) -> tuple[str, ...]:
	"""Workflow actions from `status` forward to `target`; none when the referral is there or past it."""
	order = [RECEIVED, IN_REVIEW] + [step for step, _action in FORWARD]
	if status not in order or order.index(status) >= order.index(target):
		return ()
	return tuple(
		action for step, action in FORWARD if order.index(status) < order.index(step) <= order.index(target)
	)


def acknowledgement(
	message: hl7.Message, code: str, text: str = "", segment: str = "", control_id: str = ""
) -> str:
	"""The ACK (AA) or NAK (AE / AR) for a message, with the reason in MSA-3 and an ERR segment."""
	ack = message.create_ack(code, message_id=control_id or None, application=RECEIVING_APPLICATION)
	if text:
		ack.segment("MSA").assign_field(escape(text[:80]), 3)
	out = str(ack).rstrip("\r")
	if code != ACCEPT:
		severity = "E"
		out += "\r" + "|".join(
			["ERR", "", f"{segment or 'MSH'}^1", "207" if code == ERROR else "100", severity]
		)
		out += f"|||||{escape(text[:200])}"
	return out + "\r"


def reject_unreadable(text: str, reason: str) -> str:
	"""A NAK for a message whose header cannot be read: addressed back from what little there is."""
	header = normalize(text).split("\r")[0]
	if header.startswith("MSH") and len(header) > 8:
		try:
			return acknowledgement(hl7.parse(header), REJECT, reason)
		except Exception:
			pass
	stamp = datetime.now().strftime("%Y%m%d%H%M%S")
	return f"MSH|^~\\&|{RECEIVING_APPLICATION}||||{stamp}||ACK|{stamp}|P|2.5\rMSA|{REJECT}||{escape(reason[:80])}\r"


def escape(text: str) -> str:
	"""HL7 escapes for text placed in a field."""
	return (
		text.replace("\\", "\\E\\")
		.replace("|", "\\F\\")
		.replace("^", "\\S\\")
		.replace("&", "\\T\\")
		.replace("~", "\\R\\")
		.replace("\r", " ")
		.replace("\n", " ")
	)
