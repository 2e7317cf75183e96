"""HL7 v2 ADT and SIU events: read, planned as referral transitions, answered with ACK / NAK.

ADT samples are the `hl7` package's own test messages (see hl7_samples.py)."""

from datetime import datetime

import hl7
import pytest

from referral_crm.core.referrals.hl7v2 import (
	ACCEPT,
	ERROR,
	REJECT,
	V2MessageError,
	acknowledgement,
	actions_between,
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
