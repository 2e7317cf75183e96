"""The referral lifecycle: statuses, the reasons a referral is not admitted, timestamps set by transitions."""

from collections.abc import Mapping
from datetime import datetime

from referral_crm.core.errors import DomainError

RECEIVED = "Received"
IN_REVIEW = "In Review"
ACCEPTED = "Accepted"
SCHEDULED = "Scheduled"
ADMITTED = "Admitted"
DISCHARGED = "Discharged"
NOT_ADMITTED = "Not Admitted"
CANCELLED = "Cancelled"

WORKFLOW = "Referral Lifecycle"
# "Review" is not listed: it is one of Frappe's own workflow actions.
WORKFLOW_ACTIONS = ("Accept", "Schedule", "Admit", "Discharge", "Not Admit", "Cancel")

STATUSES = (RECEIVED, IN_REVIEW, ACCEPTED, SCHEDULED, ADMITTED, DISCHARGED, NOT_ADMITTED, CANCELLED)
ADMITTED_STATUSES = frozenset({ADMITTED, DISCHARGED})
OPEN_STATUSES = frozenset({RECEIVED, IN_REVIEW, ACCEPTED, SCHEDULED})

NON_ADMIT_REASONS = (
	"Insurance Not Accepted",
	"Outside Service Area",
	"Patient Declined",
	"Unable to Reach",
	"Clinical Criteria Not Met",
	"No-Show",
	"Other",
)

# The fields a transition into a status stamps, unless a person already filled them in.
# Start of care defaults to the moment of admission; intake corrects it to the first visit.
STATUS_TIMESTAMP_FIELDS = {
	ACCEPTED: ("accepted_at",),
	ADMITTED: ("admitted_at", "start_of_care"),
	DISCHARGED: ("discharged_at",),
}


class MissingNonAdmitReasonError(DomainError):
	pass


def check_non_admit_reason(status: str, reason: str | None) -> None:
	if status == NOT_ADMITTED and not reason:
		raise MissingNonAdmitReasonError("A referral that is not admitted needs a non-admit reason")
	if reason and reason not in NON_ADMIT_REASONS:
		raise MissingNonAdmitReasonError(f"{reason!r} is not a non-admit reason")


def timestamps_for_transition(
	previous_status: str | None, status: str, current: Mapping[str, object], now: datetime
) -> dict[str, datetime]:
	"""The timestamp fields to set because the referral moved into `status`.

	A later status also stamps the earlier ones that were skipped, so every admitted
	referral has a full clock (received -> accepted -> start of care -> discharge).
	"""
	if status == previous_status:
		return {}
	chain = list(STATUS_TIMESTAMP_FIELDS)
	if status not in chain:
		return {}
	chain = chain[: chain.index(status) + 1]
	return {
		fieldname: now
		for step in chain
		for fieldname in STATUS_TIMESTAMP_FIELDS[step]
		if not current.get(fieldname)
	}


def next_step_for_office(
	status: str,
	start_of_care: str | None = None,
	visit_note_sent: bool = False,
	non_admit_reason: str | None = None,
) -> str:
	"""What the referring office reads beside its patient on the weekly status sheet (English; translated by the caller)."""
	if status in (RECEIVED, IN_REVIEW):
		return "We are reviewing the referral and will call the office with any questions."
	if status == ACCEPTED:
		return "Accepted: we are scheduling the start of care with the patient."
	if status == SCHEDULED:
		return (
			f"Start of care scheduled for {start_of_care}."
			if start_of_care
			else "Start of care is being scheduled."
		)
	if status == ADMITTED:
		if visit_note_sent:
			return "Under our care; the start-of-care visit note has been sent."
		return "Under our care; the start-of-care visit note is on its way."
	if status == DISCHARGED:
		return "Discharged from our care."
	if status == NOT_ADMITTED:
		return f"Not admitted: {non_admit_reason}." if non_admit_reason else "Not admitted."
	if status == CANCELLED:
		return "The referral was cancelled."
	return ""


# What intake needs before a referral can be decided, in the order a coordinator would chase it.
REVIEW_NEEDS = (
	("referring_provider", "the referring provider"),
	("patient_date_of_birth", "the date of birth"),
	("patient_phone", "the patient's phone"),
	("insurance_payer", "the insurance"),
	("insurance_member_id", "the member ID"),
	("diagnosis", "the diagnosis"),
	("service_line", "the service line"),
)


def missing_for_review(referral: dict, attachments: int) -> list[str]:
	"""What a referral waiting for review still lacks: empty fields, and a face sheet when none is attached."""
	missing = [label for fieldname, label in REVIEW_NEEDS if not str(referral.get(fieldname) or "").strip()]
	if attachments <= 0:
		missing.append("the face sheet or referral packet")
	return missing
