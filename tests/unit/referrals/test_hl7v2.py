"""HL7 v2 ADT and SIU events: read, planned as referral transitions, answered with ACK / NAK.

ADT samples are the `hl7` package's own test messages (see hl7_samples.py)."""

import re
from datetime import datetime

import hl7
import pytest

from referral_crm.core.referrals.hl7v2 import (
	ACCEPT,
	ERROR,
	REJECT,
	Plan,
	V2MessageError,
	acknowledgement,
	actions_between,
	escape,
	parse_message,
	plan_for,
	read_event,
	reject_unreadable,
	split_messages,
)

from .hl7_samples import ADT_A01, ADT_A04_BATCH, ADT_A04_BATCH_WRONG_COUNT, siu


def event_of(text):
	return read_event(parse_message(text))


def test_the_library_s_admit_sample_reads_as_an_admission():
	event = event_of(ADT_A01)
	assert (event.label, event.control_id, event.sending_application) == (
		"ADT^A01",
		"Q150084616T145947960",
		"HNAM_PM",
	)
	assert (event.patient_last_name, event.patient_first_name, event.patient_date_of_birth) == (
		"Rufuss",
		"Mellodial",
		"1952-11-29",
	)
	assert event.patient_id == "2148790"
	assert event.occurred_at == datetime(2014, 2, 10, 22, 53)  # PV1-44 admit date/time
	assert event.referring_npi == ""  # 03525 is a local doctor number, not an NPI


def test_a_referring_doctor_with_an_npi_is_read():
	text = ADT_A01.replace("|03525^FARP^YONAN|03525^FARP^YONAN|", "|03525^FARP^YONAN|1234567893^FARP^YONAN|")
	assert event_of(text).referring_npi == "1234567893"


def test_a_bad_npi_marked_as_one_is_refused():
	text = ADT_A01.replace(
		"|03525^FARP^YONAN|03525^FARP^YONAN|", "|03525^FARP^YONAN|1234567890^FARP^YONAN^^^^^^^^^^NPI|"
	)
	with pytest.raises(V2MessageError) as e:
		event_of(text)
	assert (e.value.segment, e.value.code) == ("PV1", REJECT)


def test_the_library_s_batch_sample_splits_into_its_registration():
	(message,) = split_messages(ADT_A04_BATCH)
	event = event_of(message)
	assert (event.label, event.control_id, event.patient_date_of_birth) == (
		"ADT^A04",
		"12334456778890",
		"1013-11-13",
	)  # the sample is de-identified


def test_a_batch_whose_trailer_counts_wrong_is_refused_whole():
	with pytest.raises(V2MessageError) as e:
		split_messages(ADT_A04_BATCH_WRONG_COUNT)
	assert e.value.segment == "BTS"
	assert "counts 2 messages but the batch holds 1" in str(e.value)


def test_a_message_with_two_patient_segments_is_refused():
	text = ADT_A01.replace("\rPV1|", "\rPID|2||X^^^MSH_MRN^MR||OTHER^ONE\rPV1|", 1)
	with pytest.raises(V2MessageError) as e:
		event_of(text)
	assert (e.value.segment, str(e.value)) == (
		"PID",
		"ADT^A01 must carry one PID segment; this message has 2",
	)


def test_an_admission_without_a_visit_segment_is_refused():
	text = "\r".join(line for line in ADT_A01.split("\r") if not line.startswith("PV1"))
	with pytest.raises(V2MessageError) as e:
		event_of(text)
	assert e.value.segment == "PV1"


def test_a_message_type_not_taken_here_is_refused():
	with pytest.raises(V2MessageError) as e:
		event_of(ADT_A01.replace("ADT^A01", "ORU^R01"))
	assert "ORU^R01 is not taken here" in str(e.value)


def test_text_that_is_not_hl7_is_refused():
	with pytest.raises(V2MessageError):
		parse_message("PID|1||x")
	with pytest.raises(V2MessageError):
		split_messages("   ")


def test_line_feeds_from_http_senders_are_segment_ends():
	assert event_of(ADT_A01.replace("\r", "\r\n")).control_id == "Q150084616T145947960"


def test_a_booked_appointment_reads_its_start_and_order():
	event = event_of(siu("S12", "C-1", "DOE", "JANE", "19400102", "202603051000", order="RF-0001"))
	assert (event.label, event.order_number, event.occurred_at) == (
		"SIU^S12",
		"RF-0001",
		datetime(2026, 3, 5, 10, 0),
	)
	assert (event.patient_first_name, event.patient_last_name) == ("Jane", "Doe")


def test_an_appointment_without_its_schedule_segment_is_refused():
	text = "\r".join(
		l
		for l in siu("S12", "C-2", "DOE", "JANE", "19400102", "202603051000").split("\r")
		if not l.startswith("SCH")
	)
	with pytest.raises(V2MessageError) as e:
		event_of(text)
	assert e.value.segment == "SCH"


@pytest.mark.parametrize(
	"status, target, actions",
	[
		("Received", "Scheduled", ("Accept", "Schedule")),
		("In Review", "Accepted", ("Accept",)),
		("Accepted", "Admitted", ("Schedule", "Admit")),
		("Scheduled", "Discharged", ("Admit", "Discharge")),
		("Admitted", "Admitted", ()),
		("Discharged", "Admitted", ()),
	],
)
def test_the_referral_walks_forward_through_its_workflow(status, target, actions):
	assert actions_between(status, target) == actions


def test_an_admission_sets_the_start_of_care_and_a_discharge_its_date():
	admit = plan_for(event_of(ADT_A01), "Scheduled")
	assert admit.actions == ("Admit",)
	assert admit.fields == {"start_of_care": datetime(2014, 2, 10, 22, 53)}
	discharge = event_of(
		ADT_A01.replace("ADT^A01", "ADT^A03").replace("|20140210225300|", "||20140301090000")
	)
	assert plan_for(discharge, "Admitted").fields == {"discharged_at": datetime(2014, 3, 1, 9, 0)}


def test_a_no_show_is_marked_once_and_a_cancellation_moves_nothing():
	no_show = event_of(siu("S26", "C-3", "DOE", "JANE", "19400102", "202603051000"))
	assert plan_for(no_show, "Scheduled").fields == {"no_show": 1}
	assert plan_for(no_show, "Scheduled", no_show=True).fields == {}
	cancelled = plan_for(event_of(siu("S15", "C-4", "DOE", "JANE", "19400102", "202603051000")), "Scheduled")
	assert (cancelled.actions, cancelled.fields) == ((), {})
	assert "appointment cancelled" in cancelled.note


def test_a_closed_referral_cannot_be_moved():
	with pytest.raises(V2MessageError) as e:
		plan_for(event_of(ADT_A01), "Not Admitted")
	assert e.value.code == ERROR


def test_the_ack_answers_the_message_and_a_nak_says_why():
	message = parse_message(ADT_A01)
	ack = hl7.parse(acknowledgement(message, ACCEPT))
	assert str(ack.extract_field("MSA", 1, 1)) == "AA"
	assert str(ack.extract_field("MSA", 1, 2)) == "Q150084616T145947960"
	assert str(ack.extract_field("MSH", 1, 5)) == "HNAM_PM"  # back to the sender
	nak = acknowledgement(message, ERROR, "no referral | matches", segment="PID")
	parsed = hl7.parse(nak)
	assert str(parsed.extract_field("MSA", 1, 1)) == "AE"
	assert str(parsed.segment("ERR")(2)) == "PID^1"
	assert "\\F\\" in nak  # the pipe in the reason is escaped, not a new field


def test_an_unreadable_message_still_gets_a_nak():
	assert "MSA|AR||" in reject_unreadable("garbage", "not an HL7 v2 message")
	assert (
		hl7.parse(reject_unreadable("MSH|^~\\&|EMR|X|||2026||ADT^A01|77|P|2.5\rZZZ", "bad")).extract_field(
			"MSA", 1, 2
		)
		== "77"
	)


def test_an_explicit_null_is_an_empty_field():
	discharge = event_of(ADT_A01.replace("ADT^A01", "ADT^A03"))  # PV1-45 is "" in the sample
	assert discharge.occurred_at is None


def refusal(call, *args):
	with pytest.raises(V2MessageError) as e:
		call(*args)
	return str(e.value), e.value.segment, e.value.code


def without(text: str, segment: str) -> str:
	return "\r".join(line for line in text.split("\r") if not line.startswith(segment + "|"))


def test_an_empty_message_is_refused_as_empty():
	assert refusal(split_messages, "\n\r\n ") == ("the message is empty", "", REJECT)


def test_text_that_is_not_hl7_is_refused_with_the_parser_s_reason():
	assert refusal(parse_message, "PID|1||x") == (
		"not an HL7 v2 message: First segment is PID, must be one of MHS, FHS or BHS",
		"MSH",
		REJECT,
	)


def test_a_message_with_line_feeds_and_blank_lines_is_one_message_ending_in_cr():
	assert split_messages("MSH|^~\\&|EMR\n\nPID|1\r\n  \r\nPV1|1\n") == ["MSH|^~\\&|EMR\rPID|1\rPV1|1"]


def test_each_message_of_a_batch_is_taken_apart():
	second = ADT_A04_BATCH.split("\r")[1].replace("12334456778890", "12334456778891")
	batch = ADT_A04_BATCH.replace("BTS|1", second + "\rPID|1||9\rBTS|2")
	first, other = split_messages(batch)
	assert first.split("\r")[0].endswith("|12334456778890|P|2.5|||NE|NE|AU|ASCII")
	assert first.split("\r")[-2:] == ["PV1|1|O||||^^^^^1", ""]
	assert other.split("\r") == [second, "PID|1||9", ""]


def test_two_messages_sent_together_without_a_batch_header_are_two():
	first = siu("S12", "C-1", "DOE", "JANE", "19400102", "202603051000")
	second = siu("S15", "C-2", "DOE", "JANE", "19400102", "202603051000")
	assert [event_of(m).control_id for m in split_messages(first + second)] == ["C-1", "C-2"]


def test_a_file_of_batches_gives_every_message_and_checks_each_trailer():
	file = "FHS|^~\\&|EMR\r" + ADT_A04_BATCH.rstrip("\r") + "\rFTS|1"
	(message,) = split_messages(file)
	assert event_of(message).control_id == "12334456778890"
	with pytest.raises(V2MessageError):
		split_messages(file.replace("BTS|1", "BTS|3"))


@pytest.mark.parametrize("trailer", ["BTS", "BTS|", "BTS|one"])
def test_a_batch_trailer_without_a_count_is_not_checked(trailer):
	(message,) = split_messages(ADT_A04_BATCH.replace("BTS|1", trailer))
	assert event_of(message).label == "ADT^A04"


def test_a_batch_the_parser_cannot_read_is_refused_with_its_reason():
	assert refusal(split_messages, "BHS|^~\\&|EMR\rPID|1||9\rBTS|0") == (
		"the batch cannot be read: Segment received before message header PID|1||9\r",
		"",
		REJECT,
	)


def test_a_trailer_counting_wrong_names_both_counts():
	assert refusal(split_messages, ADT_A04_BATCH_WRONG_COUNT) == (
		"the batch trailer (BTS-1) counts 2 messages but the batch holds 1",
		"BTS",
		REJECT,
	)


def test_a_message_type_not_taken_here_lists_the_ones_that_are():
	assert refusal(event_of, ADT_A01.replace("ADT^A01", "ORU^R01")) == (
		"message type ORU^R01 is not taken here (accepted: ADT^A01, ADT^A03, ADT^A04, SIU^S12, SIU^S15, SIU^S26)",
		"MSH",
		REJECT,
	)
	assert refusal(event_of, ADT_A01.replace("ADT^A01", "ADT^S12"))[0].startswith(
		"message type ADT^S12 is not"
	)


def test_a_message_type_in_lower_case_is_read():
	assert event_of(ADT_A01.replace("ADT^A01", "adt^a01")).label == "ADT^A01"


def test_a_message_without_a_control_id_is_refused():
	assert refusal(event_of, ADT_A01.replace("|Q150084616T145947960|", "||")) == (
		"MSH-10 (message control id) is empty",
		"MSH",
		REJECT,
	)


def test_a_patient_without_a_family_name_is_refused():
	assert refusal(event_of, ADT_A01.replace("|RUFUSS^MELLODIAL^^^^^CURRENT|", "|^MELLODIAL|")) == (
		"PID-5 (patient name) has no family name",
		"PID",
		REJECT,
	)


def test_every_field_of_a_registration_is_read():
	(message,) = split_messages(ADT_A04_BATCH)
	event = event_of(message)
	assert (event.message_type, event.event, event.sending_application, event.sending_facility) == (
		"ADT",
		"A04",
		"",
		"ABCHS",
	)
	assert (event.patient_id, event.patient_last_name, event.patient_first_name) == (
		"0000112234",
		"Xxxxxxxxxx",
		"",
	)
	assert event.occurred_at == datetime(2006, 7, 5)  # EVN-2: PV1-44 is empty
	assert (event.referring_npi, event.order_number) == ("", "")


def test_the_admission_s_sender_and_facility_are_read():
	event = event_of(ADT_A01)
	assert (event.sending_application, event.sending_facility) == ("HNAM_PM", "HNA500")
	assert event.fields == {}


def test_names_typed_in_capitals_are_title_cased_and_others_are_kept():
	event = event_of(siu("S12", "C-1", "McDONALD", "DeShawn", "19400102", "202603051000"))
	assert (event.patient_last_name, event.patient_first_name) == ("McDONALD", "DeShawn")


def test_a_patient_name_without_components_is_a_family_name_alone():
	event = event_of(siu("S12", "C-1", "DOE", "", "19400102", "202603051000").replace("|DOE^|", "|DOE|"))
	assert (event.patient_last_name, event.patient_first_name) == ("Doe", "")


def test_a_patient_without_a_birth_date_has_none():
	assert event_of(siu("S12", "C-1", "DOE", "JANE", "", "202603051000")).patient_date_of_birth is None


def test_a_birth_date_that_is_not_a_date_names_its_field():
	assert refusal(event_of, siu("S12", "C-1", "DOE", "JANE", "unknown", "202603051000")) == (
		"PID-7 'unknown' is not an HL7 date and time",
		"PID",
		REJECT,
	)


def test_the_referring_doctor_falls_back_to_the_attending_doctor():
	text = ADT_A01.replace("|03525^FARP^YONAN|03525^FARP^YONAN|", "|1234567893^FARP^YONAN||")
	assert event_of(text).referring_npi == "1234567893"
	text = ADT_A01.replace("|03525^FARP^YONAN|03525^FARP^YONAN|", "|||")
	assert event_of(text).referring_npi == ""


def test_an_npi_marked_by_its_assigning_authority_must_be_valid():
	text = ADT_A01.replace(
		"|03525^FARP^YONAN|03525^FARP^YONAN|", "|03525^FARP^YONAN|1234567890^FARP^YONAN^^^^^^NPI|"
	)
	assert refusal(event_of, text) == ("PV1-8 '1234567890' is not a valid NPI", "PV1", REJECT)
	text = ADT_A01.replace("|03525^FARP^YONAN|03525^FARP^YONAN|", "|1234567890^FARP^^^^^^^^^^^NPI||")
	assert refusal(event_of, text) == ("PV1-7 '1234567890' is not a valid NPI", "PV1", REJECT)


def test_a_registration_without_a_visit_has_no_referring_doctor():
	(message,) = split_messages(ADT_A04_BATCH)
	assert event_of(without(message, "PV1")).referring_npi == ""


def test_an_appointment_starts_at_its_resource_s_time_else_at_the_schedule_s():
	booked = siu("S12", "C-1", "DOE", "JANE", "19400102", "202603051000")
	assert event_of(booked.replace("|202603051000\r", "|202603060900\r")).occurred_at == datetime(
		2026, 3, 6, 9
	)
	assert event_of(without(booked, "AIS")).occurred_at == datetime(2026, 3, 5, 10)
	assert event_of(booked.replace("^^^202603051000", "")).occurred_at == datetime(2026, 3, 5, 10)
	unreadable = without(booked, "AIS").replace("^^^202603051000", "^^^tomorrow")
	assert refusal(event_of, unreadable) == ("SCH-11 'tomorrow' is not an HL7 date and time", "SCH", REJECT)


def test_a_time_with_a_zone_is_read_as_the_sender_s_wall_clock():
	booked = siu("S12", "C-1", "DOE", "JANE", "19400102", "202603051000-0500")
	assert event_of(booked).occurred_at == datetime(2026, 3, 5, 10)


def test_a_registration_or_an_admission_happens_at_the_event_time_when_the_visit_has_none():
	admit = ADT_A01.replace("|20140210225300|", "||").replace("\rPID|", "\rEVN|A01|20140211080000\rPID|", 1)
	assert event_of(admit).occurred_at == datetime(2014, 2, 11, 8)
	(registration,) = split_messages(ADT_A04_BATCH)
	registration = registration.replace(
		"PV1|1|O||||^^^^^1", "PV1|1|O||||^^^^^1" + "|" * 38 + "20060706101500"
	)
	assert event_of(registration).occurred_at == datetime(2006, 7, 6, 10, 15)


def test_a_discharge_happens_at_the_visit_s_discharge_time_else_the_event_time():
	discharge = ADT_A01.replace("ADT^A01", "ADT^A03").replace(
		"\rPID|", "\rEVN|A03|20140301090000|20140302\rPID|", 1
	)
	assert event_of(discharge).occurred_at == datetime(2014, 3, 1, 9)
	assert event_of(
		discharge.replace('|20140210225300|""', "|20140210225300|20140228170000")
	).occurred_at == (datetime(2014, 2, 28, 17))


def test_the_timeline_note_says_which_event_came_from_whom():
	assert plan_for(event_of(ADT_A01), "Scheduled").note == "ADT^A01 from HNAM_PM: admitted"
	no_show = event_of(
		siu("S26", "C-3", "DOE", "JANE", "19400102", "202603051000").replace("|EMR|CLINIC|", "||CLINIC|")
	)
	plan = plan_for(no_show, "Scheduled")
	assert plan == Plan((), {"no_show": 1}, "SIU^S26 from the EMR: did not show")


def test_a_booked_start_of_care_moves_the_referral_to_scheduled_with_its_date():
	plan = plan_for(event_of(siu("S12", "C-1", "DOE", "JANE", "19400102", "202603051000")), "Received")
	assert plan == Plan(
		("Accept", "Schedule"),
		{"start_of_care": datetime(2026, 3, 5, 10)},
		"SIU^S12 from EMR: start of care booked",
	)


def test_a_registration_sets_no_date():
	(message,) = split_messages(ADT_A04_BATCH)
	assert plan_for(event_of(message), "Received") == Plan(
		("Accept",), {}, "ADT^A04 from the EMR: registered"
	)


def test_a_closed_referral_says_why_it_cannot_be_moved():
	assert refusal(plan_for, event_of(ADT_A01), "Cancelled") == (
		"the referral is Cancelled; ADT^A01 cannot move it",
		"",
		ERROR,
	)


def test_a_status_off_the_forward_path_walks_nowhere():
	assert actions_between("Not Admitted", "Admitted") == ()


ACK_TIME = re.compile(r"^(MSH\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|)\d{14}\|")


def stamped(ack: str) -> str:
	return ACK_TIME.sub(r"\1<now>|", ack)


def test_an_ack_goes_back_to_the_sender_from_this_application():
	ack = acknowledgement(parse_message(ADT_A01), ACCEPT, control_id="ACK-1")
	assert stamped(ack) == (
		"MSH|^~\\&|REFERRAL_CRM||HNAM_PM|HNA500|<now>||ACK^A01^ACK|ACK-1|P|2.3\rMSA|AA|Q150084616T145947960\r"
	)
	generated = hl7.parse(acknowledgement(parse_message(ADT_A01), ACCEPT))
	assert len(str(generated.extract_field("MSH", 1, 10))) == 20


def test_an_accepted_repeat_says_so_in_the_ack():
	ack = acknowledgement(parse_message(ADT_A01), ACCEPT, "already received ", control_id="ACK-1")
	assert stamped(ack).endswith("\rMSA|AA|Q150084616T145947960|already received \r")


def test_a_nak_carries_the_reason_and_an_error_segment_for_the_segment_at_fault():
	ack = acknowledgement(parse_message(ADT_A01), ERROR, "no referral matches", "PID", "ACK-2")
	assert stamped(ack) == (
		"MSH|^~\\&|REFERRAL_CRM||HNAM_PM|HNA500|<now>||ACK^A01^ACK|ACK-2|P|2.3\r"
		"MSA|AE|Q150084616T145947960|no referral matches\r"
		"ERR||PID^1|207|E|||||no referral matches\r"
	)


def test_a_rejection_without_a_segment_blames_the_header():
	ack = acknowledgement(parse_message(ADT_A01), REJECT, "bad", control_id="ACK-3")
	assert ack.split("\r")[-3:] == ["MSA|AR|Q150084616T145947960|bad", "ERR||MSH^1|100|E|||||bad", ""]


def test_the_reason_is_cut_to_80_characters_in_the_msa_and_200_in_the_err():
	reason = "x" * 79 + "yz" + "w" * 118 + "uv"
	msa, err = acknowledgement(parse_message(ADT_A01), ERROR, reason, "PID", "A").split("\r")[1:3]
	assert msa == "MSA|AE|Q150084616T145947960|" + "x" * 79 + "y"
	assert err == "ERR||PID^1|207|E|||||" + "x" * 79 + "yz" + "w" * 118 + "u"


def test_text_placed_in_a_field_is_escaped():
	assert escape("a\\b|c^d&e~f\rg\nh") == "a\\E\\b\\F\\c\\S\\d\\T\\e\\R\\f g h"


def test_a_message_with_a_readable_header_is_rejected_back_to_its_sender():
	nak = reject_unreadable("MSH|^~\\&|EMR|NORTH CLINIC|||2026||ADT^A01|77|P|2.5\rZZZ", "bad")
	assert stamped(nak).split("\r")[1:] == ["MSA|AR|77|bad", "ERR||MSH^1|100|E|||||bad", ""]
	assert stamped(nak).split("|")[4:6] == ["EMR", "NORTH CLINIC"]


def test_an_unreadable_message_gets_a_bare_nak_stamped_now():
	nak = reject_unreadable("", "not an MLLP block: " + "z" * 100)
	assert re.fullmatch(
		r"MSH\|\^~\\&\|REFERRAL_CRM\|\|\|\|(\d{14})\|\|ACK\|\1\|P\|2\.5\rMSA\|AR\|\|not an MLLP block: z{61}\r",
		nak,
	)
	stamp = nak.split("|")[6]
	assert abs(datetime.strptime(stamp, "%Y%m%d%H%M%S") - datetime.now()).total_seconds() < 5
	assert reject_unreadable("MSH|^~\\&", "bad").endswith("\rMSA|AR||bad\r")


def test_an_error_without_a_segment_has_none():
	assert V2MessageError("x").segment == ""


def test_the_ack_echoes_the_control_id_whole():
	message = parse_message(siu("S12", "MSG-77X", "DOE", "JANE", "19400102", "202603051000"))
	assert acknowledgement(message, ACCEPT, control_id="A").endswith("\rMSA|AA|MSG-77X\r")
