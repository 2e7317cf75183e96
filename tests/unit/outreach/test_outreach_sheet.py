from datetime import date

import pytest

from referral_crm.core.outreach.outreach_sheet import parse_sheet, split_next_step, visit_outcome

SEED_ROW = {
	"Agent": "AFTAB",
	"Last Contact": "11/12/2019",
	"Outcome": "CONNECTED",
	"Remarks": "Spoke to Lisa. She is the one that sends referrals. She will send",
	"Next step": "Reminder on 1/12/2020 – call back",
	"First Name": "Carlos",
	"Last Name": "Ortiz",
	"Gender": "M",
	"Specialty": "Primary Care Provider (PCP)",
	"Phone": "7189398440",
	"Fax": "7189395378",
	"Address": "14242 41st Ave",
	"Address2": "",
	"City": "Flushing",
	"State": "NY",
	"Zip Code": "11355",
}


def test_the_seed_row_reads_whole():
	rows, errors = parse_sheet([SEED_ROW])
	assert errors == []
	row = rows[0]
	assert (row.line, row.agent, row.last_contact) == (2, "AFTAB", date(2019, 11, 12))
	assert (row.channel, row.outcome) == ("Phone Call", "Spoke with Office Staff")
	assert (row.follow_up_date, row.next_step) == (date(2020, 1, 12), "call back")
	assert (row.gender, row.is_pcp, row.phone, row.fax) == ("Male", True, "+17189398440", "+17189395378")
	assert (row.zip_code, row.state) == ("11355", "NY")


@pytest.mark.parametrize(
	"text, when, note",
	[
		("Reminder on 1/12/2020 - call back", date(2020, 1, 12), "call back"),
		("call back 2/3/21", date(2021, 2, 3), "call back"),
		("Follow up 2020-01-12", date(2020, 1, 12), "Follow up 2020-01-12"),
		("send flyer", None, "send flyer"),
	],
)
def test_next_step_dates_are_read_from_what_people_write(text, when, note):
	assert split_next_step(text) == (when, note)


@pytest.mark.parametrize(
	"text, expected",
	[
		("CONNECTED", ("Phone Call", "Spoke with Office Staff")),
		("Left VM", ("Phone Call", "Left Voicemail")),
		("spoke to Dr. Ortiz", ("Phone Call", "Spoke with Provider")),
		("faxed flyer", ("Fax", "Sent")),
		("Not interested", ("Phone Call", "Not Interested")),
		("lunch set for Tuesday", ("Phone Call", "Meeting Scheduled")),
		("DO NOT CALL", ("Phone Call", "Asked Not to Contact")),
		("purple", None),
	],
)
def test_outcome_words_become_visit_outcomes(text, expected):
	assert visit_outcome(text) == expected


def test_headers_are_matched_whatever_their_case():
	rows, errors = parse_sheet([{k.upper(): v for k, v in SEED_ROW.items()}])
	assert errors == [] and rows[0].last_name == "Ortiz"


def test_unreadable_rows_are_reported_with_their_lines_and_blank_rows_ignored():
	bad = dict(
		SEED_ROW, **{"Last Contact": "13/45/2020", "Outcome": "purple", "Phone": "12", "Zip Code": "ABCDE"}
	)
	blank = dict.fromkeys(SEED_ROW, "")
	rows, errors = parse_sheet([SEED_ROW, blank, bad])
	assert [r.line for r in rows] == [2]
	assert all(e.startswith("line 4: ") for e in errors)
	text = " ".join(errors)
	for fragment in ("13/45/2020", "purple", "'12'", "ABCDE"):
		assert fragment in text


def test_a_sheet_without_name_columns_is_refused():
	rows, errors = parse_sheet([{"Doctor": "Ortiz"}])
	assert rows == [] and "First Name" in errors[0]


def test_every_refusal_is_named_exactly_with_its_line():
	rows, errors = parse_sheet(
		[
			dict(SEED_ROW, **{"First Name": "", "Last Name": ""}),
			dict(SEED_ROW, **{"Last Contact": "yesterday"}),
			dict(SEED_ROW, **{"Last Contact": "", "Outcome": "CONNECTED"}),
			dict(SEED_ROW, **{"Next step": "call back 2/30/2021"}),
			dict(SEED_ROW, **{"Fax": "555"}),
			dict(SEED_ROW, **{"Gender": "X"}),
		],
		first_line=5,
	)
	assert rows == []
	assert errors == [
		"line 5: no first or last name",
		"line 6: Last Contact 'yesterday' is not a date",
		"line 6: an Outcome needs the Last Contact date",
		"line 7: an Outcome needs the Last Contact date",
		"line 8: Next step 'call back 2/30/2021' has a date that does not exist",
		"line 9: Fax '555' is not a phone number",
		"line 10: Gender 'X' is neither M nor F",
	]


def test_a_row_with_only_a_phone_or_an_address_is_read_not_skipped():
	only_phone = dict.fromkeys(SEED_ROW, "") | {"Phone": "7189398440"}
	only_street = dict.fromkeys(SEED_ROW, "") | {"Address": "14242 41st Ave"}
	rows, errors = parse_sheet([only_phone, only_street])
	assert errors == ["line 2: no first or last name", "line 3: no first or last name"]


def test_a_row_with_one_name_and_the_other_columns_empty_reads_whole():
	row = {key: None for key in SEED_ROW} | {"Last Name": " Ortiz "}
	rows, errors = parse_sheet([row])
	assert errors == []
	assert (rows[0].first_name, rows[0].last_name, rows[0].agent, rows[0].next_step) == ("", "Ortiz", "", "")
	assert (rows[0].last_contact, rows[0].follow_up_date, rows[0].gender, rows[0].is_pcp) == (
		None,
		None,
		"",
		False,
	)


def test_the_refusals_of_a_whole_sheet():
	assert parse_sheet([]) == ([], ["the sheet has no rows"])
	assert parse_sheet([{"Doctor": "Ortiz"}]) == ([], ["the sheet has no First Name or Last Name column"])
	assert parse_sheet([{"First Name": "Carlos"}]) == ([], ["the sheet has no Last Name column"])


@pytest.mark.parametrize(
	"text, expected",
	[
		("1/12/20", date(2020, 1, 12)),
		("1/12/99", date(2099, 1, 12)),
		("1/12/100", date(100, 1, 12)),
		("2020-01-12", date(2020, 1, 12)),
	],
)
def test_dates_as_people_write_them(text, expected):
	from referral_crm.core.outreach.outreach_sheet import parse_date

	assert parse_date(text) == expected
	assert parse_date("") is None and parse_date(None) is None


def test_every_column_of_a_row_lands_in_its_field():
	from referral_crm.core.outreach.outreach_sheet import SheetRow

	full = dict(SEED_ROW, **{"Address2": "Suite 2", "Practice": "Flushing Family Medicine"})
	rows, errors = parse_sheet([full])
	assert errors == []
	assert rows == [
		SheetRow(
			line=2,
			agent="AFTAB",
			last_contact=date(2019, 11, 12),
			channel="Phone Call",
			outcome="Spoke with Office Staff",
			remarks="Spoke to Lisa. She is the one that sends referrals. She will send",
			next_step="call back",
			follow_up_date=date(2020, 1, 12),
			practice_name="Flushing Family Medicine",
			first_name="Carlos",
			last_name="Ortiz",
			gender="Male",
			specialty="Primary Care Provider (PCP)",
			is_pcp=True,
			phone="+17189398440",
			fax="+17189395378",
			address_line1="14242 41st Ave",
			address_line2="Suite 2",
			city="Flushing",
			state="NY",
			zip_code="11355",
		)
	]


def test_a_row_with_only_a_first_name_is_read_with_no_visit():
	rows, errors = parse_sheet([dict.fromkeys(SEED_ROW, "") | {"First Name": "Carlos"}])
	assert errors == []
	assert (rows[0].first_name, rows[0].last_name, rows[0].channel, rows[0].outcome) == ("Carlos", "", "", "")


def test_headers_written_with_underscores_are_the_same_columns():
	sheet = {"first_name": "Carlos", "LAST_NAME": "Ortiz", "zip_code": "11355", "Address_2": "Suite 2"}
	rows, errors = parse_sheet([sheet])
	assert errors == []
	assert (rows[0].first_name, rows[0].last_name, rows[0].zip_code, rows[0].address_line2) == (
		"Carlos",
		"Ortiz",
		"11355",
		"Suite 2",
	)


def test_cells_past_the_last_header_of_a_csv_row_are_not_read_into_a_missing_column():
	"""csv.DictReader files the cells of a row longer than its header under the key None."""
	import csv
	import io

	text = "First Name,Last Name,Phone\nCarlos,Ortiz,7189398440,extra,cells\n"
	rows, errors = parse_sheet(list(csv.DictReader(io.StringIO(text))))
	assert errors == []
	assert (rows[0].practice_name, rows[0].remarks, rows[0].agent) == ("", "", "")


@pytest.mark.parametrize(
	"code, expected",
	[
		("NO_ANSWER", ("Phone Call", "No Answer")),
		("LEFT_MESSAGE", ("Phone Call", "Left Voicemail")),
		("do_not_call", ("Phone Call", "Asked Not to Contact")),
	],
)
def test_outcome_codes_exported_with_underscores_read_as_words(code, expected):
	assert visit_outcome(code) == expected


def test_an_empty_next_step_is_no_date_and_no_note():
	assert split_next_step(None) == (None, "")
	assert split_next_step("  ") == (None, "")
