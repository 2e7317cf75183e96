from datetime import date

import pytest

from referral_crm.core.referrals.appointments import parse_date, read_appointments

MAPPING = {
	"patient_first_name": "First",
	"patient_last_name": "Last",
	"date_of_birth": "DOB",
	"appointment_date": "Appt Date",
	"referring_physician": "Referring MD",
	"referring_npi": "Ref NPI",
	"pcp": "PCP",
}


@pytest.mark.parametrize(
	"raw", ["2026-11-23", "11/23/2026", "11/23/26", "2026-11-23 09:30:00", "2026-11-23T09:30"]
)
def test_emr_date_shapes(raw):
	assert parse_date(raw) == date(2026, 11, 23)


def test_rows_map_to_appointments():
	rows = [
		{
			"First": "Rosa",
			"Last": "Diaz",
			"DOB": "3/9/1941",
			"Appt Date": "11/23/2026",
			"Referring MD": "Ana Rivera",
			"Ref NPI": "1234567893",
			"PCP": "",
		},
		{"First": "", "Last": "", "DOB": "", "Appt Date": "", "Referring MD": "", "Ref NPI": "", "PCP": ""},
		{
			"First": "Li",
			"Last": "Wei",
			"DOB": "",
			"Appt Date": "11/23/2026",
			"Referring MD": "",
			"Ref NPI": "",
			"PCP": "David Cohen",
		},
	]
	appointments, errors = read_appointments(rows, MAPPING)
	assert errors == []
	assert [(a.line, a.patient_last_name, a.referring_npi, a.pcp) for a in appointments] == [
		(2, "Diaz", "1234567893", ""),
		(4, "Wei", "", "David Cohen"),
	]
	assert appointments[0].date_of_birth == date(1941, 3, 9)


def test_every_bad_row_is_reported_with_its_line():
	rows = [
		{"First": "Rosa", "Last": "", "Appt Date": "someday", "Ref NPI": "1234567890"},
		{"First": "Li", "Last": "Wei", "Appt Date": "11/23/2026"},
	]
	appointments, errors = read_appointments(rows, MAPPING)
	assert len(appointments) == 1
	assert errors == [
		"line 2: patient_last_name is empty; appointment_date 'someday' is not a date; referring_npi '1234567890' is not a valid NPI"
	]


def test_an_incomplete_mapping_is_refused():
	assert read_appointments([{}], {"patient_first_name": "First"})[1] == [
		"map a column to patient_last_name, appointment_date"
	]


def test_every_mapped_column_lands_in_its_field_and_unmapped_ones_are_empty():
	from referral_crm.core.referrals.appointments import Appointment

	full = dict(MAPPING, pcp_npi="PCP NPI")
	row = {
		"First": " Rosa ",
		"Last": "Diaz",
		"DOB": "1941-03-09",
		"Appt Date": "11/23/2026",
		"Referring MD": "Ana Rivera",
		"Ref NPI": "1234567893",
		"PCP": "David Cohen",
		"PCP NPI": "1245319599",
	}
	assert read_appointments([row], full) == (
		[
			Appointment(
				line=2,
				patient_first_name="Rosa",
				patient_last_name="Diaz",
				appointment_date=date(2026, 11, 23),
				date_of_birth=date(1941, 3, 9),
				referring_physician="Ana Rivera",
				referring_npi="1234567893",
				pcp="David Cohen",
				pcp_npi="1245319599",
			)
		],
		[],
	)
	required_only = {
		"patient_first_name": "First",
		"patient_last_name": "Last",
		"appointment_date": "Appt Date",
	}
	assert read_appointments([row], required_only) == (
		[Appointment(2, "Rosa", "Diaz", date(2026, 11, 23))],
		[],
	)


def test_a_bad_pcp_npi_is_reported_too():
	mapping = dict(MAPPING, pcp_npi="PCP NPI")
	row = {"First": "Li", "Last": "Wei", "Appt Date": "11/23/2026", "PCP NPI": "1245319590"}
	assert read_appointments([row], mapping) == ([], ["line 2: pcp_npi '1245319590' is not a valid NPI"])


def test_a_date_that_is_not_one_is_refused_by_name():
	with pytest.raises(ValueError) as refused:
		parse_date("23.11.2026")
	assert str(refused.value) == "'23.11.2026' is not a date"
