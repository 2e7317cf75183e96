from datetime import date

import pytest

from referral_crm.core.referrals.healthcare import (
	CREATE,
	MATCH,
	REVIEW,
	is_no_show,
	match_patient,
	moves_for_appointment,
	phone_digits,
)

DOB = date(1941, 3, 9)
REFERRAL = {"first_name": "Ada", "last_name": "Reyes", "date_of_birth": DOB, "phone": "+17185550142"}


def patient(name="PAT-1", first="Ada", last="Reyes", dob=DOB, phones=("(718) 555-0142",)):
	return {"name": name, "first_name": first, "last_name": last, "dob": dob, "phones": list(phones)}


def test_name_birth_date_and_phone_agreeing_is_the_same_patient():
	assert match_patient(REFERRAL, [patient()]) == match_patient(REFERRAL, [patient()])
	assert match_patient(REFERRAL, [patient()]).action == MATCH
	assert match_patient(REFERRAL, [patient()]).patient == "PAT-1"


def test_names_compare_without_case_or_spaces():
	assert match_patient(REFERRAL, [patient(first=" ada", last="REYES")]).action == MATCH


def test_a_different_birth_date_is_another_person_so_a_patient_is_created():
	assert match_patient(REFERRAL, [patient(dob=date(1941, 3, 10))]).action == CREATE
	assert match_patient(REFERRAL, []).action == CREATE


def test_a_different_phone_waits_for_a_person():
	result = match_patient(REFERRAL, [patient(phones=("212 555 0100",))])
	assert (result.action, result.patient) == (REVIEW, None)
	assert "phone" in result.reason


def test_two_patients_of_the_same_name_and_birth_date_wait_for_a_person():
	result = match_patient(REFERRAL, [patient(), patient(name="PAT-2")])
	assert result.action == REVIEW and "2 patients" in result.reason


def test_no_birth_date_on_the_referral_is_never_matched_or_created():
	assert match_patient({**REFERRAL, "date_of_birth": None}, [patient()]).action == REVIEW
	assert match_patient({**REFERRAL, "date_of_birth": None}, []).action == REVIEW


def test_a_referral_without_a_phone_waits_for_a_person_when_a_patient_matches():
	assert match_patient({**REFERRAL, "phone": None}, [patient()]).action == REVIEW


@pytest.mark.parametrize(
	"raw, digits",
	[
		("+17185550142", "7185550142"),
		("(718) 555-0142", "7185550142"),
		("+12125550100;ext=23", "2125550100"),
		(None, ""),
	],
)
def test_phone_digits(raw, digits):
	assert phone_digits(raw) == digits


@pytest.mark.parametrize(
	"appointment, referral, moves",
	[
		("Scheduled", "Accepted", ["Scheduled"]),
		("Open", "Accepted", ["Scheduled"]),
		("Confirmed", "Scheduled", []),
		("Checked In", "Accepted", ["Scheduled", "Admitted"]),
		("Checked In", "Scheduled", ["Admitted"]),
		("Closed", "Scheduled", ["Admitted"]),
		("Checked Out", "Admitted", []),
		("Scheduled", "Received", []),
		("Checked In", "In Review", []),
		("Cancelled", "Scheduled", []),
		("No Show", "Scheduled", []),
		("Closed", "Discharged", []),
	],
)
def test_what_an_appointment_does_to_the_referral(appointment, referral, moves):
	assert moves_for_appointment(appointment, referral) == moves


def test_a_no_show_is_told_once_and_only_before_admission():
	assert is_no_show("No Show", "Scheduled", already_flagged=False)
	assert not is_no_show("No Show", "Scheduled", already_flagged=True)
	assert not is_no_show("No Show", "Admitted", already_flagged=False)
	assert not is_no_show("Cancelled", "Scheduled", already_flagged=False)


@pytest.mark.parametrize(
	"raw",
	[
		"212-555-0100 x23",
		"212-555-0100x23",
		"212 555 0100 ext 23",
		"212.555.0100 ext.23",
		"+12125550100;ext=23",
	],
)
def test_an_extension_after_an_x_or_ext_is_dropped(raw):
	assert phone_digits(raw) == "2125550100"


def test_a_first_name_missing_on_both_sides_agrees():
	assert match_patient({**REFERRAL, "first_name": ""}, [patient(first=None)]).action == MATCH
	assert match_patient({**REFERRAL, "first_name": None}, [patient(first="")]).action == MATCH


def test_each_reason_to_wait_for_a_person_says_why():
	assert (
		match_patient({**REFERRAL, "date_of_birth": None}, [patient()]).reason
		== "no date of birth on the referral"
	)
	assert match_patient(REFERRAL, [patient(phones=("212 555 0100",))]).reason == (
		"name and date of birth agree, the phone does not"
	)
	assert match_patient(REFERRAL, [patient(), patient(name="PAT-2")]).reason == (
		"2 patients share the name and date of birth"
	)


def test_an_extension_in_capitals_is_dropped_too():
	from referral_crm.core.referrals.healthcare import phone_digits

	assert phone_digits("212-555-0100 EXT 23") == phone_digits("212-555-0100 ext 23") == "2125550100"
