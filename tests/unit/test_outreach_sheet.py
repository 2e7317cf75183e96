from datetime import date

import pytest

from referral_crm.core.outreach_sheet import parse_sheet, split_next_step, visit_outcome

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
