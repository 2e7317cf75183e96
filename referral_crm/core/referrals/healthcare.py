"""The referral beside the agency's EMR (Frappe Healthcare): which patient it is, and what an
appointment's status means for the referral."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from referral_crm.core.referrals.referral import ACCEPTED, ADMITTED, IN_REVIEW, RECEIVED, SCHEDULED

MATCH, CREATE, REVIEW = "match", "create", "review"

# Patient Appointment statuses (Healthcare 15): booked, seen, missed.
BOOKED = frozenset({"Scheduled", "Open", "Confirmed"})
SEEN = frozenset({"Checked In", "Checked Out", "Closed"})
NO_SHOW = "No Show"

# A referral looks for its patient in the EMR once the agency has taken it on.
LINKED_STATUSES = frozenset({ACCEPTED, SCHEDULED, ADMITTED})


@dataclass(frozen=True)
class PatientMatch:
	action: str  # MATCH, CREATE or REVIEW (a person decides)
	patient: str | None = None
	reason: str = ""


def phone_digits(phone: str | None) -> str:
	"""The last ten digits (a US number without its country code and punctuation); extensions dropped
	(x, ext and ;ext= all begin at an x)."""
	digits = re.sub(r"\D", "", (phone or "").lower().split("x")[0])
	return digits[-10:]


def _same(a: str | None, b: str | None) -> bool:
	return (a or "").strip().casefold() == (b or "").strip().casefold()


def match_patient(referral: Mapping, candidates: Iterable[Mapping]) -> PatientMatch:
	"""Which EMR patient this referral's patient is, given the patients of the same name.

	`referral` has first_name, last_name, date_of_birth, phone; each candidate has name, first_name,
	last_name, dob, phones (a list). Certain only when name, date of birth and phone all agree and no
	other patient does: a doubtful patient record is worse than a moment of a person's time.
	"""
	if not referral.get("date_of_birth"):
		return PatientMatch(REVIEW, reason="no date of birth on the referral")
	same = [
		c
		for c in candidates
		if _same(c.get("first_name"), referral.get("first_name"))
		and _same(c.get("last_name"), referral.get("last_name"))
		and c.get("dob") == referral.get("date_of_birth")
	]
	if not same:
		return PatientMatch(CREATE)
	phone = phone_digits(referral.get("phone"))
	by_phone = [c for c in same if phone and phone in {phone_digits(p) for p in c.get("phones") or []}]
	if len(by_phone) == 1 and len(same) == 1:
		return PatientMatch(MATCH, by_phone[0]["name"])
	if len(same) > 1:
		return PatientMatch(REVIEW, reason=f"{len(same)} patients share the name and date of birth")
	return PatientMatch(REVIEW, reason="name and date of birth agree, the phone does not")


def moves_for_appointment(appointment_status: str, referral_status: str) -> list[str]:
	"""The referral statuses an appointment status takes it through, in order (none when it is already
	there or past it). A first visit admits the patient; a booking schedules an accepted referral."""
	if appointment_status in BOOKED and referral_status == ACCEPTED:
		return [SCHEDULED]
	if appointment_status in SEEN:
		if referral_status == ACCEPTED:
			return [SCHEDULED, ADMITTED]
		if referral_status == SCHEDULED:
			return [ADMITTED]
	return []


def is_no_show(appointment_status: str, referral_status: str, already_flagged: bool) -> bool:
	"""A missed first appointment of a referral not yet admitted: the referring office is told, once."""
	return (
		appointment_status == NO_SHOW
		and not already_flagged
		and referral_status in (RECEIVED, IN_REVIEW, ACCEPTED, SCHEDULED)
	)
