from datetime import datetime, timedelta

import pytest

from referral_crm.core.outreach.telephony import (
	ANSWERED,
	BUSY,
	FAILED,
	LEFT_VOICEMAIL,
	NO_ANSWER,
	VISIT_OUTCOME,
	WRONG_NUMBER,
	CallerNumber,
	area_code,
	choose_caller_number,
	disposition,
	is_final,
	is_machine,
	is_recording_expired,
	phone_variants,
	recording_expires_on,
	remaining_capacity,
	send_digits,
	split_extension,
	status_label,
)

NOW = datetime(2026, 11, 30, 10, 0)


@pytest.mark.parametrize(
	"status, answered_by, sip, expected",
	[
		("completed", "human", None, ANSWERED),
		("completed", None, None, ANSWERED),
		("completed", "unknown", None, ANSWERED),
		("completed", "machine_start", None, LEFT_VOICEMAIL),
		("completed", "machine_end_beep", None, LEFT_VOICEMAIL),
		("completed", "machine_end_silence", None, LEFT_VOICEMAIL),
		("completed", "machine_end_other", None, LEFT_VOICEMAIL),
		("completed", "fax", None, WRONG_NUMBER),
		("busy", None, None, BUSY),
		("no-answer", None, None, NO_ANSWER),
		("canceled", None, None, NO_ANSWER),
		("failed", None, "404", WRONG_NUMBER),
		("failed", None, 604, WRONG_NUMBER),
		("failed", None, "503", FAILED),
		("failed", None, None, FAILED),
		("failed", None, "not a code", FAILED),
		("COMPLETED", "Machine_Start", None, LEFT_VOICEMAIL),
	],
)
def test_disposition_from_final_status(status, answered_by, sip, expected):
	assert disposition(status, answered_by, sip) == expected


@pytest.mark.parametrize("status", ["queued", "ringing", "in-progress", "", None])
def test_a_call_still_going_has_no_disposition(status):
	assert not is_final(status)
	with pytest.raises(ValueError):
		disposition(status)


def test_every_disposition_writes_a_visit_outcome():
	assert VISIT_OUTCOME[LEFT_VOICEMAIL] == "Left Voicemail"
	assert VISIT_OUTCOME[BUSY] == VISIT_OUTCOME[NO_ANSWER] == "No Answer"
	assert VISIT_OUTCOME[WRONG_NUMBER] == "Wrong Number"
	assert set(VISIT_OUTCOME) == {ANSWERED, LEFT_VOICEMAIL, NO_ANSWER, BUSY, FAILED, WRONG_NUMBER}


def test_status_labels_and_machines():
	assert status_label("in-progress") == "In Progress"
	assert status_label("no-answer") == "No Answer"
	assert status_label(None) == "Queued"
	assert is_final("completed") and is_final("canceled")
	assert is_machine("machine_end_beep") and not is_machine("human") and not is_machine(None)


def number(name, used, cap=200, last=None, phone="+12125550100"):
	return CallerNumber(name=name, phone=phone, daily_cap=cap, used_today=used, last_used=last)


def test_rotation_takes_the_number_used_longest_ago():
	a = number("A", 10, last=NOW - timedelta(minutes=1))
	b = number("B", 50, last=NOW - timedelta(minutes=5))
	c = number("C", 0, last=NOW - timedelta(minutes=3))
	assert choose_caller_number([a, b, c]).name == "B"
	never = number("D", 0, last=None)
	assert choose_caller_number([a, b, c, never]).name == "D"


def test_a_number_at_its_cap_is_never_chosen():
	full = number("Full", 200, last=None)
	assert choose_caller_number([full]) is None
	other = number("Other", 199, last=NOW)
	assert choose_caller_number([full, other]).name == "Other"
	assert choose_caller_number([number("Over", 250)]) is None
	assert choose_caller_number([]) is None


def test_a_cap_of_zero_means_the_default():
	assert number("Zero", 199, cap=0).remaining == 1
	assert number("Zero", 200, cap=0).remaining == 0


def test_local_presence_comes_before_rotation():
	nyc = number("NYC", 5, last=NOW, phone="+12125550100")
	chi = number("CHI", 5, last=NOW - timedelta(hours=1), phone="+13125550100")
	assert choose_caller_number([nyc, chi], destination="+12125559999").name == "NYC"
	assert choose_caller_number([nyc, chi], destination="+16175559999").name == "CHI"
	full_nyc = number("NYC", 200, last=None, phone="+12125550100")
	assert choose_caller_number([full_nyc, chi], destination="+12125559999").name == "CHI"


def test_remaining_capacity_adds_what_is_left():
	assert (
		remaining_capacity([number("A", 190, cap=200), number("B", 300, cap=200), number("C", 0, cap=5)])
		== 15
	)


def test_area_codes_and_extensions():
	assert area_code("+12125550100") == "212"
	assert area_code("+12125550100;ext=4") == "212"
	assert area_code("+442071234567") == ""
	assert area_code(None) == ""
	assert split_extension("+12125550100;ext=23") == ("+12125550100", "23")
	assert split_extension("+12125550100") == ("+12125550100", "")
	assert send_digits("23") == "wwww23"
	assert send_digits("") == ""


def test_phone_variants_cover_how_people_type_a_number():
	variants = phone_variants("+12125550100")
	for written in ("+12125550100", "2125550100", "(212) 555-0100", "212-555-0100", "212.555.0100"):
		assert written in variants
	assert phone_variants("") == []
	assert phone_variants("+442071234567") == ["+44 20 7123 4567", "+442071234567"]


def test_recording_retention():
	created = NOW - timedelta(days=30)
	assert recording_expires_on(created, 30) == NOW
	assert is_recording_expired(created, 30, NOW)
	assert not is_recording_expired(created, 31, NOW)
	assert not is_recording_expired(created, 0, NOW)
	assert recording_expires_on(created, 0) is None


def test_a_status_that_is_not_final_is_named_in_the_error():
	with pytest.raises(ValueError, match=r"^'' is not a final call status$"):
		disposition(None)
	with pytest.raises(ValueError, match=r"^'ringing' is not a final call status$"):
		disposition("Ringing")


def test_only_a_whole_us_number_has_an_area_code():
	assert area_code("+1212555010") == ""
	assert area_code("442071234567") == ""


def test_every_way_a_us_number_is_written_is_a_variant():
	assert phone_variants("+12125550100;ext=7") == [
		"(212) 555-0100",
		"(212)555-0100",
		"+1 (212) 555-0100",
		"+1 212 555 0100",
		"+1 212-555-0100",
		"+12125550100",
		"1-212-555-0100",
		"12125550100",
		"212 555 0100",
		"212-555-0100",
		"212.555.0100",
		"2125550100",
	]


def test_a_twelve_character_number_outside_the_us_has_no_us_variants():
	assert phone_variants("+44201234567") == ["+44201234567"]


def test_a_retention_of_one_day_expires_the_next_day_and_a_negative_one_keeps():
	created = NOW - timedelta(days=1)
	assert recording_expires_on(created, 1) == NOW
	assert recording_expires_on(created, -1) is None
