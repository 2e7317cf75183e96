from datetime import datetime

import pytest

from referral_crm.core.referrals.referral import (
	ACCEPTED,
	ADMITTED,
	DISCHARGED,
	IN_REVIEW,
	NON_ADMIT_REASONS,
	NOT_ADMITTED,
	RECEIVED,
	MissingNonAdmitReasonError,
	check_non_admit_reason,
	timestamps_for_transition,
)

NOW = datetime(2026, 11, 20, 9, 30)


def test_not_admitted_requires_a_reason():
	with pytest.raises(MissingNonAdmitReasonError):
		check_non_admit_reason(NOT_ADMITTED, None)
	check_non_admit_reason(NOT_ADMITTED, "Insurance Not Accepted")


def test_unknown_reason_is_rejected():
	with pytest.raises(MissingNonAdmitReasonError):
		check_non_admit_reason(NOT_ADMITTED, "Because")


def test_the_seven_reasons_of_the_lifecycle():
	assert len(NON_ADMIT_REASONS) == 7
	assert "No-Show" in NON_ADMIT_REASONS and "Other" in NON_ADMIT_REASONS


def test_accepting_stamps_accepted_at():
	assert timestamps_for_transition(IN_REVIEW, ACCEPTED, {}, NOW) == {"accepted_at": NOW}


def test_admitting_stamps_start_of_care_and_a_skipped_acceptance():
	assert timestamps_for_transition(RECEIVED, ADMITTED, {}, NOW) == {
		"accepted_at": NOW,
		"admitted_at": NOW,
		"start_of_care": NOW,
	}


def test_values_a_person_entered_are_kept():
	earlier = datetime(2026, 11, 18, 14, 0)
	stamped = timestamps_for_transition(
		ACCEPTED, ADMITTED, {"accepted_at": earlier, "start_of_care": earlier}, NOW
	)
	assert stamped == {"admitted_at": NOW}


def test_discharge_stamps_discharged_at_only_once():
	assert timestamps_for_transition(
		ADMITTED, DISCHARGED, {"accepted_at": NOW, "admitted_at": NOW, "start_of_care": NOW}, NOW
	) == {"discharged_at": NOW}
	assert timestamps_for_transition(DISCHARGED, DISCHARGED, {}, NOW) == {}


def test_statuses_without_a_clock_stamp_nothing():
	assert timestamps_for_transition(RECEIVED, IN_REVIEW, {}, NOW) == {}
	assert timestamps_for_transition(IN_REVIEW, NOT_ADMITTED, {}, NOW) == {}


def test_the_office_reads_a_next_step_for_every_status():
	from referral_crm.core.referrals.referral import STATUSES, next_step_for_office

	assert all(next_step_for_office(status) for status in STATUSES)
	assert next_step_for_office("Scheduled", "11/24/2026") == "Start of care scheduled for 11/24/2026."
	assert "Insurance Not Accepted" in next_step_for_office(
		"Not Admitted", non_admit_reason="Insurance Not Accepted"
	)
	assert "has been sent" in next_step_for_office("Admitted", visit_note_sent=True)
	assert "on its way" in next_step_for_office("Admitted", visit_note_sent=False)


def test_a_complete_referral_with_its_packet_lacks_nothing():
	from referral_crm.core.referrals.referral import missing_for_review

	complete = {
		"referring_provider": "PRV-1",
		"patient_date_of_birth": "1950-01-02",
		"patient_phone": "+12125550100",
		"insurance_payer": "Medicare",
		"insurance_member_id": "1EG4-TE5-MK73",
		"diagnosis": "CHF",
		"service_line": "Home Health",
	}
	assert missing_for_review(complete, attachments=1) == []


def test_what_a_referral_lacks_is_named_in_the_order_intake_chases_it():
	from referral_crm.core.referrals.referral import missing_for_review

	assert missing_for_review(
		{"referring_provider": "PRV-1", "diagnosis": "  ", "service_line": "HH"}, 0
	) == [
		"the date of birth",
		"the patient's phone",
		"the insurance",
		"the member ID",
		"the diagnosis",
		"the face sheet or referral packet",
	]


def test_the_refusals_name_what_is_missing_or_wrong():
	with pytest.raises(MissingNonAdmitReasonError) as missing:
		check_non_admit_reason(NOT_ADMITTED, "")
	assert str(missing.value) == "A referral that is not admitted needs a non-admit reason"
	with pytest.raises(MissingNonAdmitReasonError) as unknown:
		check_non_admit_reason(NOT_ADMITTED, "Because")
	assert str(unknown.value) == "'Because' is not a non-admit reason"


@pytest.mark.parametrize(
	"status, details, sentence",
	[
		("Received", {}, "We are reviewing the referral and will call the office with any questions."),
		("In Review", {}, "We are reviewing the referral and will call the office with any questions."),
		("Accepted", {}, "Accepted: we are scheduling the start of care with the patient."),
		("Scheduled", {}, "Start of care is being scheduled."),
		("Scheduled", {"start_of_care": "11/24/2026"}, "Start of care scheduled for 11/24/2026."),
		("Admitted", {}, "Under our care; the start-of-care visit note is on its way."),
		(
			"Admitted",
			{"visit_note_sent": True},
			"Under our care; the start-of-care visit note has been sent.",
		),
		("Discharged", {}, "Discharged from our care."),
		("Not Admitted", {}, "Not admitted."),
		("Not Admitted", {"non_admit_reason": "Patient Declined"}, "Not admitted: Patient Declined."),
		("Cancelled", {}, "The referral was cancelled."),
		("Draft", {}, ""),
	],
)
def test_the_office_reads_one_plain_sentence_per_status(status, details, sentence):
	from referral_crm.core.referrals.referral import next_step_for_office

	assert next_step_for_office(status, **details) == sentence
