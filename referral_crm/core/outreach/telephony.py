"""Calls placed and received through a voice provider: dispositions, caller-number rotation under
daily caps, inbound caller matching and recording retention, as plain functions over plain data."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from referral_crm.core.phone import format_phone

DEFAULT_DAILY_CAP = 200

# A call's disposition: what the provider told us happened, before anyone adds a word.
ANSWERED = "Answered"
LEFT_VOICEMAIL = "Left Voicemail"
NO_ANSWER = "No Answer"
BUSY = "Busy"
FAILED = "Failed"
WRONG_NUMBER = "Wrong Number"
DISPOSITIONS = (ANSWERED, LEFT_VOICEMAIL, NO_ANSWER, BUSY, FAILED, WRONG_NUMBER)

# The Visit outcome each disposition writes by itself (an answered call is refined by the person).
VISIT_OUTCOME = {
	ANSWERED: "Spoke with Office Staff",
	LEFT_VOICEMAIL: "Left Voicemail",
	NO_ANSWER: "No Answer",
	BUSY: "No Answer",
	FAILED: "No Answer",
	WRONG_NUMBER: "Wrong Number",
}

# Provider call statuses after which nothing more happens on the call.
FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
STATUS_LABELS = {
	"queued": "Queued",
	"initiated": "Queued",
	"ringing": "Ringing",
	"in-progress": "In Progress",
	"answered": "In Progress",
	"completed": "Completed",
	"busy": "Busy",
	"no-answer": "No Answer",
	"failed": "Failed",
	"canceled": "Canceled",
}
# SIP answers meaning the number itself is wrong (not found, gone, malformed, does not exist anywhere).
WRONG_NUMBER_SIP_CODES = frozenset({404, 410, 484, 604})


def status_label(status: str | None) -> str:
	return STATUS_LABELS.get((status or "").lower(), "Queued")


def is_final(status: str | None) -> bool:
	return (status or "").lower() in FINAL_STATUSES


def is_machine(answered_by: str | None) -> bool:
	"""Answering machine detection's verdicts for a machine: machine_start, machine_end_beep, ..."""
	return (answered_by or "").lower().startswith("machine")


def disposition(status: str | None, answered_by: str | None = None, sip_code: int | str | None = None) -> str:
	"""What happened to an outbound call, from the provider's final status and AMD verdict."""
	status = (status or "").lower()
	answered_by = (answered_by or "").lower()
	if answered_by == "fax":
		return WRONG_NUMBER
	if status == "completed":
		return LEFT_VOICEMAIL if is_machine(answered_by) else ANSWERED
	if status == "busy":
		return BUSY
	if status in ("no-answer", "canceled"):
		return NO_ANSWER
	if status == "failed":
		try:
			code = int(sip_code or 0)
		except (TypeError, ValueError):
			code = 0
		return WRONG_NUMBER if code in WRONG_NUMBER_SIP_CODES else FAILED
	raise ValueError(f"{status!r} is not a final call status")


@dataclass(frozen=True)
class CallerNumber:
	name: str
	phone: str
	daily_cap: int
	used_today: int
	last_used: datetime | None = None

	@property
	def remaining(self) -> int:
		return max(0, (self.daily_cap or DEFAULT_DAILY_CAP) - self.used_today)


def area_code(e164: str | None) -> str:
	"""The NANP area code of a +1 number, "" for anything else."""
	digits = (e164 or "").partition(";")[0]
	return digits[2:5] if digits.startswith("+1") and len(digits) == 12 else ""


def choose_caller_number(numbers: list[CallerNumber], destination: str | None = None) -> CallerNumber | None:
	"""The number the next call goes out from, or None when every number has used its day's cap.

	A local number (same area code as the office) answers more often; among those the one used longest
	ago goes next, so the calls rotate over the agency's numbers instead of burning the first one.
	"""
	open_numbers = [n for n in numbers if n.remaining > 0]
	if not open_numbers:
		return None
	local = area_code(destination)
	oldest = datetime.min

	def key(n: CallerNumber):
		return (0 if local and area_code(n.phone) == local else 1, n.last_used or oldest, n.name)

	return min(open_numbers, key=key)


def remaining_capacity(numbers: list[CallerNumber]) -> int:
	return sum(n.remaining for n in numbers)


def split_extension(stored: str | None) -> tuple[str, str]:
	"""("+12125550100", "23") from "+12125550100;ext=23": the number to call and the digits to send."""
	number, _, extension = (stored or "").partition(";ext=")
	return number, extension


def send_digits(extension: str) -> str:
	"""DTMF for an extension, after a pause for the office's greeting to pick up ("w" is half a second)."""
	return f"wwww{extension}" if extension else ""


def phone_variants(e164: str) -> list[str]:
	"""The ways a stored number may be written, for matching a caller against numbers people typed."""
	number, _ = split_extension(e164)
	if not number:
		return []
	variants = {number, format_phone(number)}
	if number.startswith("+1") and len(number) == 12:
		national = number[2:]
		a, b, c = national[:3], national[3:6], national[6:]
		variants |= {
			national,
			"1" + national,
			f"{a}-{b}-{c}",
			f"{a}.{b}.{c}",
			f"({a}) {b}-{c}",
			f"({a}){b}-{c}",
			f"{a} {b} {c}",
			f"+1 {a}-{b}-{c}",
			f"+1 ({a}) {b}-{c}",
			f"+1 {a} {b} {c}",
			f"1-{a}-{b}-{c}",
		}
	return sorted(v for v in variants if v)


def recording_expires_on(created: datetime, retention_days: int) -> datetime | None:
	"""When a recording must go; None keeps it (a retention of 0 days means keep)."""
	return created + timedelta(days=retention_days) if retention_days and retention_days > 0 else None


def is_recording_expired(created: datetime, retention_days: int, now: datetime) -> bool:
	expires = recording_expires_on(created, retention_days)
	return expires is not None and now >= expires
