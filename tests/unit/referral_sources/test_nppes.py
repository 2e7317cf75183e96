"""The NPPES file and the NPI Registry API read into records: rows in the published 330-column layout."""

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referral_crm.core.phone import normalize_phone
from referral_crm.core.referral_sources.npi import clean_npi, make_npi
from referral_crm.core.referral_sources.nppes import (
	NPPES_HEADER,
	NppesFilter,
	NppesRecord,
	NppesRowError,
	NppesSkip,
	cms_value,
	estimate_rows,
	nppes_phone,
	read_nppes,
	record_from_api,
)

CMS = Path(__file__).parents[3] / "referral_crm" / "tests" / "data" / "cms"
ORG_NPI, SUB_NPI, DOC_NPI, GONE_NPI, BACK_NPI, ABROAD_NPI = (make_npi(f"1{n:08d}") for n in range(1, 7))


def row(**values) -> list[str]:
	cells = dict.fromkeys(NPPES_HEADER, "")
	cells.update(values)
	return [cells[c] for c in NPPES_HEADER]


LOCATION = {
	"Provider First Line Business Practice Location Address": "600 E 161ST ST",
	"Provider Business Practice Location Address City Name": "BRONX",
	"Provider Business Practice Location Address State Name": "NY",
	"Provider Business Practice Location Address Postal Code": "104511234",
	"Provider Business Practice Location Address Telephone Number": "7185550100",
}
ROWS = [
	row(
		**{
			"NPI": ORG_NPI,
			"Entity Type Code": "2",
			"Provider Organization Name (Legal Business Name)": "BRONX PRIMARY CARE PLLC",
			"Last Update Date": "01/15/2025",
			"Healthcare Provider Taxonomy Code_1": "261QP2300X",
			"Healthcare Provider Primary Taxonomy Switch_1": "Y",
			"Is Organization Subpart": "N",
			**LOCATION,
		}
	),
	row(
		**{
			"NPI": SUB_NPI,
			"Entity Type Code": "2",
			"Provider Organization Name (Legal Business Name)": "BRONX PRIMARY CARE WEST",
			"Is Organization Subpart": "Y",
			"Parent Organization LBN": "BRONX PRIMARY CARE PLLC",
			"Last Update Date": "01/15/2025",
			**LOCATION,
			"Provider Business Practice Location Address Telephone Number": "",
		}
	),
	row(
		**{
			"NPI": DOC_NPI,
			"Entity Type Code": "1",
			"Provider Last Name (Legal Name)": "RIVERA",
			"Provider First Name": "ANA",
			"Provider Middle Name": "M",
			"Provider Credential Text": "MD",
			"Provider Sex Code": "F",
			"Provider Enumeration Date": "05/23/2005",
			"Last Update Date": "02/01/2025",
			"Healthcare Provider Taxonomy Code_1": "207RC0000X",
			"Healthcare Provider Primary Taxonomy Switch_1": "N",
			"Healthcare Provider Taxonomy Code_2": "207R00000X",
			"Healthcare Provider Primary Taxonomy Switch_2": "Y",
			"Healthcare Provider Taxonomy Code_3": "207rg0300x",
			"Provider Business Practice Location Address Fax Number": "7185550101",
			**LOCATION,
		}
	),
	row(**{"NPI": GONE_NPI, "NPI Deactivation Date": "03/01/2024"}),
	row(
		**{
			"NPI": BACK_NPI,
			"Entity Type Code": "1",
			"Provider Last Name (Legal Name)": "BACK",
			"NPI Deactivation Date": "03/01/2020",
			"NPI Reactivation Date": "04/01/2021",
			**LOCATION,
		}
	),
	row(
		**{
			"NPI": ABROAD_NPI,
			"Entity Type Code": "1",
			"Provider Last Name (Legal Name)": "MUELLER",
			"Provider First Line Business Practice Location Address": "HAUPTSTRASSE 1",
			"Provider Business Practice Location Address City Name": "BERLIN",
			"Provider Business Practice Location Address Postal Code": "10115",
			"Provider Business Practice Location Address Country Code (If outside U.S.)": "DE",
			"Provider Business Practice Location Address Telephone Number": "493012345678",
		}
	),
	row(**{"NPI": "1234567890", "Entity Type Code": "1", **LOCATION}),
]


def csv_bytes(rows=ROWS, header=NPPES_HEADER) -> bytes:
	out = io.StringIO()
	writer = csv.writer(out, quoting=csv.QUOTE_ALL)
	writer.writerow(header)
	writer.writerows(rows)
	return out.getvalue().encode()


def read(rows=ROWS, **filters):
	return list(read_nppes(io.BytesIO(csv_bytes(rows)), NppesFilter(**filters)))


def records(items):
	return {r.npi: r for r in items if isinstance(r, NppesRecord)}


def test_the_published_layout_has_330_columns():
	assert len(NPPES_HEADER) == 330 == len(set(NPPES_HEADER))
	assert NPPES_HEADER[47] == "Healthcare Provider Taxonomy Code_1"
	assert NPPES_HEADER[-1] == "Certification Date"


def test_an_organisation_row():
	org = records(read())[ORG_NPI]
	assert (org.entity_type, org.active, org.organization_name) == (2, True, "BRONX PRIMARY CARE PLLC")
	assert (org.zip_code, org.state, org.phone) == ("10451", "NY", "+17185550100")
	assert org.primary_taxonomy == "261QP2300X" and not org.is_subpart
	assert org.last_update_date == date(2025, 1, 15)


def test_an_organisation_subpart_names_its_parent_and_may_have_no_phone():
	sub = records(read())[SUB_NPI]
	assert sub.is_subpart and sub.parent_organization_name == "BRONX PRIMARY CARE PLLC"
	assert sub.phone == "" and sub.primary_taxonomy == ""


def test_an_individual_with_several_taxonomies_takes_the_flagged_primary():
	doc = records(read())[DOC_NPI]
	assert (doc.first_name, doc.middle_name, doc.last_name, doc.credential) == ("ANA", "M", "RIVERA", "MD")
	assert doc.gender == "Female"
	assert doc.taxonomies == ("207RC0000X", "207R00000X", "207RG0300X")
	assert doc.primary_taxonomy == "207R00000X"
	assert doc.fax == "+17185550101"
	assert doc.enumeration_date == date(2005, 5, 23)


def test_a_deactivated_npi_is_never_active_and_a_reactivated_one_is():
	found = records(read())
	gone = found[GONE_NPI]
	assert (gone.active, gone.entity_type, gone.deactivation_date) == (False, 0, date(2024, 3, 1))
	assert found[BACK_NPI].active


def test_a_foreign_address_keeps_its_country_and_gets_no_us_phone():
	abroad = records(read())[ABROAD_NPI]
	assert (abroad.country_code, abroad.zip_code, abroad.phone) == ("DE", "10115", "")


def test_a_bad_npi_is_reported_with_its_line():
	errors = [e for e in read() if isinstance(e, NppesRowError)]
	assert [(e.line, "check digit" in e.message) for e in errors] == [(8, True)]


def test_a_short_row_is_an_error_not_a_crash():
	errors = [e for e in read([ROWS[0][:40]]) if isinstance(e, NppesRowError)]
	assert errors and errors[0].line == 2


def test_filters_by_state_zip_prefix_taxonomy_and_entity_type():
	assert set(records(read(states=frozenset({"NY"})))) == {ORG_NPI, SUB_NPI, DOC_NPI, BACK_NPI, GONE_NPI}
	assert set(records(read(zip_prefixes=("104",)))) == {ORG_NPI, SUB_NPI, DOC_NPI, BACK_NPI, GONE_NPI}
	assert set(records(read(zip_codes=frozenset({"10115"})))) == {ABROAD_NPI, GONE_NPI}
	assert set(records(read(taxonomy_codes=frozenset({"207R00000X"})))) == {DOC_NPI, GONE_NPI}
	assert set(records(read(entity_types=frozenset({2})))) == {ORG_NPI, SUB_NPI, GONE_NPI}
	skips = [s for s in read(states=frozenset({"CA"})) if isinstance(s, NppesSkip)]
	assert {s.reason for s in skips} == {"outside the states"}


def test_a_zip_from_cms_is_read_through_and_its_file_header_member_ignored(tmp_path):
	path = tmp_path / "NPPES_Data_Dissemination.zip"
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr("npidata_pfile_20050523-20251109_fileheader.csv", csv_bytes([]))
		archive.writestr("npidata_pfile_20050523-20251109.csv", csv_bytes())
	assert set(records(read_nppes(str(path)))) == set(records(read()))
	assert estimate_rows(str(path)) == len(ROWS)


def test_older_files_call_the_sex_column_gender():
	header = tuple("Provider Gender Code" if c == "Provider Sex Code" else c for c in NPPES_HEADER)
	items = list(read_nppes(io.BytesIO(csv_bytes(ROWS[2:3], header))))
	assert items[0].gender == "Female"


def test_a_file_that_is_not_nppes_is_refused():
	with pytest.raises(ValueError, match="not an NPPES file"):
		list(read_nppes(io.BytesIO(b"Code,Grouping\n207Q00000X,x\n")))


def test_an_api_result_reads_like_a_file_row():
	result = {
		"number": DOC_NPI,
		"enumeration_type": "NPI-1",
		"basic": {"first_name": "ANA", "last_name": "RIVERA", "credential": "MD", "sex": "F", "status": "A"},
		"addresses": [
			{"address_purpose": "MAILING", "address_1": "PO BOX 1", "postal_code": "10001"},
			{
				"address_purpose": "LOCATION",
				"address_1": "600 E 161ST ST",
				"city": "BRONX",
				"state": "NY",
				"postal_code": "104511234",
				"country_code": "US",
				"telephone_number": "718-555-0100",
			},
		],
		"taxonomies": [{"code": "207RC0000X", "primary": False}, {"code": "207R00000X", "primary": True}],
	}
	record = record_from_api(result)
	assert (record.entity_type, record.address_line1, record.zip_code) == (1, "600 E 161ST ST", "10451")
	assert (record.primary_taxonomy, record.phone, record.active) == ("207R00000X", "+17185550100", True)


@settings(max_examples=400)
@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_the_fast_nppes_phone_path_agrees_with_the_phone_rules(digits):
	try:
		expected = normalize_phone(digits)
	except ValueError:
		expected = ""
	assert nppes_phone(digits) == expected
	assert nppes_phone(nppes_phone(digits)) == nppes_phone(digits) or not nppes_phone(digits)


@given(st.text(alphabet="0123456789 -", min_size=0, max_size=14))
def test_npi_cleaning_is_idempotent(text):
	assert clean_npi(clean_npi(text)) == clean_npi(text)


def test_a_file_that_is_not_utf8_is_refused_whole(tmp_path):
	from referral_crm.core.errors import UnreadableFileError

	path = tmp_path / "npidata_pfile.csv"
	path.write_bytes(",".join(NPPES_HEADER).encode("utf-16"))
	with pytest.raises(UnreadableFileError):
		list(read_nppes(str(path)))


def test_a_row_with_an_overlong_field_is_an_error_not_a_record(tmp_path):
	from referral_crm.core.referral_sources.nppes import MAX_FIELD, NppesRowError

	row = [""] * len(NPPES_HEADER)
	row[NPPES_HEADER.index("NPI")] = "1245319599"
	row[NPPES_HEADER.index("Entity Type Code")] = "1"
	row[NPPES_HEADER.index("Provider Last Name (Legal Name)")] = "A" * (MAX_FIELD + 1)
	path = tmp_path / "npidata_pfile.csv"
	with open(path, "w", newline="") as out:
		csv.writer(out).writerows([NPPES_HEADER, row])
	(result,) = list(read_nppes(str(path)))
	assert isinstance(result, NppesRowError) and "longer than" in result.message


def test_text_with_angle_brackets_is_kept_as_data(tmp_path):
	"""Markup is made harmless where the site stores and shows it; the row itself is never lost."""
	name = "<img src=x onerror=alert(1)> CLINIC"
	path = tmp_path / "npidata_pfile.csv"
	cells = {
		"NPI": ORG_NPI,
		"Entity Type Code": "2",
		"Provider Organization Name (Legal Business Name)": name,
	}
	path.write_bytes(csv_bytes([row(**cells)]))
	(result,) = list(read_nppes(str(path)))
	assert isinstance(result, NppesRecord) and result.organization_name == name


@pytest.mark.parametrize("token", ["<UNAVAIL>", "<NOT AVAILABLE>", " <UNAVAIL> "])
def test_cms_tokens_mean_no_value(token):
	assert cms_value(token) == ""
	assert cms_value("<b>") == "<b>"  # not a CMS token: text, kept


def test_cms_own_organisation_row_is_a_practice():
	"""The real row CMS published, in today's 330-column layout, with <UNAVAIL> in the EIN."""
	(record,) = list(read_nppes(str(CMS / "npidata_pfile_one_organisation.csv")))
	assert isinstance(record, NppesRecord)
	assert (record.npi, record.entity_type, record.active) == ("1063947125", 2, True)
	assert record.organization_name == "LOVETTSVILLE DENTAL ARTS"
	assert (record.city, record.state, record.zip_code) == ("LOVETTSVILLE", "VA", "20180")
	assert record.phone == "+15408224224"
	assert record.primary_taxonomy == "261QD0000X"
	assert record.last_update_date == date(2017, 5, 9)


def test_the_329_column_layout_before_2023_reads_the_same(tmp_path):
	"""Before 2023: no Certification Date, and the sex column is called "Provider Gender Code"."""
	with open(CMS / "npidata_pfile_one_organisation.csv", newline="") as source:
		header, cms_row = list(csv.reader(source))
	old = [
		("Provider Gender Code" if h == "Provider Sex Code" else h, v)
		for h, v in zip(header, cms_row, strict=True)
		if h != "Certification Date"
	]
	assert len(old) == 329
	path = tmp_path / "npidata_pfile_20050523-20221009.csv"
	with open(path, "w", newline="") as out:
		csv.writer(out, quoting=csv.QUOTE_ALL).writerows([[h for h, _ in old], [v for _, v in old]])
	(older,) = list(read_nppes(str(path)))
	(today,) = list(read_nppes(str(CMS / "npidata_pfile_one_organisation.csv")))
	assert older == today


def test_the_published_layout_is_cms_own_header_word_for_word():
	with open(CMS / "npidata_pfile_one_organisation.csv", newline="") as source:
		header = next(csv.reader(source))
	assert tuple(header) == NPPES_HEADER


def registry_answer(name: str) -> dict:
	import json

	return json.loads((CMS / name).read_text())["results"][0]


def test_the_registry_answer_for_an_individual_reads_in_full():
	"""A recorded NPI Registry v2.1 answer (2022): the practice LOCATION, not the MAILING address."""
	assert record_from_api(registry_answer("npi_registry_npi1_individual.json")) == NppesRecord(
		line=0,
		npi="1760485387",
		entity_type=1,
		active=True,
		first_name="PAUL",
		middle_name="R.",
		last_name="DEWEY",
		credential="M.D.",
		gender="Male",
		address_line1="4570 CTY. HWY. 61",
		city="MOOSE LAKE",
		state="MN",
		zip_code="55767",
		phone="+12184854491",
		fax="+12184854724",
		primary_taxonomy="207R00000X",
		taxonomies=("207R00000X", "208000000X"),
		enumeration_date=date(2005, 5, 27),
		last_update_date=date(2012, 12, 4),
	)


def test_the_registry_answer_for_an_organisation_reads_in_full():
	"""A recorded answer from 2019: the NPI as a number, the ZIP+4, the location listed first."""
	assert record_from_api(registry_answer("npi_registry_npi2_organization.json")) == NppesRecord(
		line=0,
		npi="1568946812",
		entity_type=2,
		active=True,
		organization_name="CSP ANESTHESIA LLC",
		address_line1="403 PERMIAN WAY STE D",
		city="VILLA RICA",
		state="GA",
		zip_code="30180",
		phone="+18884080200",
		primary_taxonomy="207L00000X",
		taxonomies=("207L00000X",),
		enumeration_date=date(2018, 9, 22),
		last_update_date=date(2018, 9, 22),
	)


def test_a_registry_answer_for_a_deactivated_subpart_abroad():
	result = registry_answer("npi_registry_npi2_organization.json")
	result["basic"].update(
		status="D",
		deactivation_date="2024-02-01",
		organizational_subpart="YES",
		parent_organization_legal_business_name="CSP HOLDINGS",
	)
	result["addresses"][0].update(country_code="ca", postal_code="M5V 2T6", telephone_number="416-555-0100")
	result["taxonomies"] = [{"code": "207l00000x", "primary": False}, {"code": "bad", "primary": True}]
	record = record_from_api(result)
	assert (record.active, record.deactivation_date) == (False, date(2024, 2, 1))
	assert (record.is_subpart, record.parent_organization_name) == (True, "CSP HOLDINGS")
	assert (record.country_code, record.zip_code, record.phone) == ("CA", "M5V 2T6", "")
	assert record.taxonomies == ("207L00000X", "BAD") and record.primary_taxonomy == "BAD"


def test_every_row_is_accounted_for_in_order_with_its_line_and_reason():
	good = ROWS[2]  # an individual in the Bronx, 207R00000X among its codes
	gone = row(**{"NPI": GONE_NPI, "NPI Deactivation Date": "03/01/2024"})
	rows = [
		[],  # line 2: a blank line, passed over
		good[:10],  # 3: short
		good,  # 4
		row(**{"NPI": BACK_NPI}),  # 5: no entity type, not deactivated
		row(**{"NPI": BACK_NPI, "Entity Type Code": "3"}),  # 6
		gone,  # 7
		good,  # 8
	]

	def events(**filters):
		return [
			(type(e).__name__, e.line, getattr(e, "reason", None) or getattr(e, "message", None) or e.npi)
			for e in read_nppes(io.BytesIO(csv_bytes(rows)), NppesFilter(**filters))
		]

	common = [
		("NppesRowError", 3, "10 columns where the header has 330"),
	]
	assert events() == [
		*common,
		("NppesRecord", 4, DOC_NPI),
		("NppesRowError", 5, "no entity type"),
		("NppesRowError", 6, "entity type '3' is neither 1 nor 2"),
		("NppesRecord", 7, GONE_NPI),
		("NppesRecord", 8, DOC_NPI),
	]
	for filters, reason in (
		({"entity_types": frozenset({2})}, "entity type not imported"),
		({"states": frozenset({"CA"})}, "outside the states"),
		({"zip_prefixes": ("9",)}, "outside the ZIP codes"),
		({"zip_codes": frozenset({"99999"})}, "outside the territory"),
		({"taxonomy_codes": frozenset({"363L00000X"})}, "no listed taxonomy code"),
	):
		assert [e for e in events(**filters) if e[1] in (4, 8)] == [
			("NppesSkip", 4, reason),
			("NppesSkip", 8, reason),
		]
	assert [e[1] for e in events(zip_codes=frozenset({"10451"})) if e[0] == "NppesRecord"] == [
		4,
		7,
		8,
	], "a nine-digit ZIP is judged by its first five"


def test_a_deactivated_row_with_a_bad_npi_is_an_error():
	bad = row(
		**{"NPI": "1234567890", "NPI Deactivation Date": "03/01/2024", "Last Update Date": "03/02/2024"}
	)
	(item,) = read_nppes(io.BytesIO(csv_bytes([bad])))
	assert item == NppesRowError(2, "NPI '1234567890' fails the check digit")
	back = row(
		**{
			"NPI": BACK_NPI,
			"NPI Deactivation Date": "03/01/2024",
			"NPI Reactivation Date": "04/01/2024",
			"Last Update Date": "04/02/2024",
		}
	)
	(item,) = read_nppes(io.BytesIO(csv_bytes([back])))
	assert (item.entity_type, item.active, item.deactivation_date, item.last_update_date) == (
		0,
		True,
		date(2024, 3, 1),
		date(2024, 4, 2),
	)


def test_a_quoted_field_may_hold_a_line_break_and_the_rows_count_lines_as_csv_does():
	multi = row(
		**dict(zip(NPPES_HEADER, ROWS[0], strict=True), **{"Provider Other Organization Name": "ONE\nTWO"})
	)
	items = list(read_nppes(io.BytesIO(csv_bytes([multi, ROWS[2]]))))
	assert [(type(i).__name__, i.line) for i in items] == [("NppesRecord", 3), ("NppesRecord", 4)]


def test_a_sparse_registry_answer_reads_with_safe_defaults():
	"""The registry leaves out what it does not know: a minimal answer still reads, as an active
	individual, taking the first address when none is the practice LOCATION."""
	record = record_from_api(
		{
			"number": "1760485387",
			"basic": {"reactivation_date": "2024-05-01", "deactivation_date": "2024-02-01", "status": "A"},
			"addresses": [
				{
					"address_purpose": "MAILING",
					"address_1": "PO BOX 1",
					"postal_code": "55767",
					"fax_number": "218-485-4724",
				},
				{"address_purpose": "OTHER", "address_1": "2 MAIN ST"},
			],
			"taxonomies": [{"code": "207r00000x"}, {"code": None}],
		}
	)
	assert (record.entity_type, record.active, record.deactivation_date) == (1, True, date(2024, 2, 1))
	assert (record.address_line1, record.address_line2, record.zip_code, record.country_code) == (
		"PO BOX 1",
		"",
		"55767",
		"US",
	)
	assert (record.fax, record.phone) == ("+12184854724", "")
	assert (record.taxonomies, record.primary_taxonomy) == (("207R00000X", ""), "207R00000X")
	assert (record.first_name, record.organization_name, record.gender, record.is_subpart) == (
		"",
		"",
		"",
		False,
	)
	bare = record_from_api({"number": 1760485387})
	assert (bare.city, bare.state, bare.fax) == ("", "", "")
	assert (bare.active, bare.address_line1, bare.taxonomies, bare.primary_taxonomy, bare.zip_code) == (
		True,
		"",
		(),
		"",
		"",
	)
	lower = record_from_api({"number": "1760485387", "enumeration_type": "npi-2", "basic": {"status": "d"}})
	assert (lower.entity_type, lower.active) == (2, False)


def test_a_file_row_reads_in_full():
	"""Every field of an individual's row, a second address line and a deactivation that was undone."""
	cells = dict(zip(NPPES_HEADER, ROWS[2], strict=True))
	cells.update(
		{
			"Provider Second Line Business Practice Location Address": "SUITE 4B",
			"NPI Deactivation Date": "03/01/2020",
			"NPI Reactivation Date": "03/01/2020",
		}
	)
	(record,) = read_nppes(io.BytesIO(csv_bytes([row(**cells)])))
	assert record == NppesRecord(
		line=2,
		npi=DOC_NPI,
		entity_type=1,
		active=True,
		first_name="ANA",
		middle_name="M",
		last_name="RIVERA",
		credential="MD",
		gender="Female",
		address_line1="600 E 161ST ST",
		address_line2="SUITE 4B",
		city="BRONX",
		state="NY",
		zip_code="10451",
		phone="+17185550100",
		fax="+17185550101",
		primary_taxonomy="207R00000X",
		taxonomies=("207RC0000X", "207R00000X", "207RG0300X"),
		enumeration_date=date(2005, 5, 23),
		last_update_date=date(2025, 2, 1),
		deactivation_date=date(2020, 3, 1),
	), "reactivated on the day of its deactivation, the NPI is active"


def test_a_provider_deactivated_and_not_reactivated_is_inactive_with_its_date():
	cells = {"NPI": DOC_NPI, "Entity Type Code": "1", "NPI Deactivation Date": "03/01/2024", **LOCATION}
	(record,) = read_nppes(io.BytesIO(csv_bytes([row(**cells)])))
	assert (record.active, record.deactivation_date) == (False, date(2024, 3, 1))


def test_a_sex_code_other_than_m_or_f_leaves_the_gender_empty():
	(record,) = read_nppes(
		io.BytesIO(csv_bytes([row(**{"NPI": DOC_NPI, "Entity Type Code": "1", "Provider Sex Code": "U"})]))
	)
	assert record.gender == ""


def test_the_primary_taxonomy_is_the_first_flagged_and_else_the_first_listed():
	flagged_twice = {
		"NPI": DOC_NPI,
		"Entity Type Code": "1",
		"Healthcare Provider Taxonomy Code_1": "207RC0000X",
		"Healthcare Provider Primary Taxonomy Switch_1": "y",
		"Healthcare Provider Taxonomy Code_2": "207R00000X",
		"Healthcare Provider Primary Taxonomy Switch_2": "Y",
	}
	none_flagged = {
		"NPI": ORG_NPI,
		"Entity Type Code": "2",
		"Healthcare Provider Taxonomy Code_1": "261QP2300X",
		"Healthcare Provider Primary Taxonomy Switch_1": "N",
	}
	gap_then_last_slot = {
		"NPI": SUB_NPI,
		"Entity Type Code": "2",
		"Healthcare Provider Taxonomy Code_2": "251E00000X",
		"Healthcare Provider Taxonomy Code_15": "261QP2300X",
		"Healthcare Provider Primary Taxonomy Switch_15": "Y",
	}
	found = records(read([row(**flagged_twice), row(**none_flagged), row(**gap_then_last_slot)]))
	assert found[DOC_NPI].primary_taxonomy == "207RC0000X"
	assert (found[ORG_NPI].taxonomies, found[ORG_NPI].primary_taxonomy) == (("261QP2300X",), "261QP2300X")
	assert (found[SUB_NPI].taxonomies, found[SUB_NPI].primary_taxonomy) == (
		("251E00000X", "261QP2300X"),
		"261QP2300X",
	)


def test_a_canadian_office_gets_no_phone_or_fax_though_its_numbers_dial_like_us_ones():
	cells = {
		"NPI": ABROAD_NPI,
		"Entity Type Code": "1",
		"Provider Business Practice Location Address Postal Code": "M5V 2T6",
		"Provider Business Practice Location Address Country Code (If outside U.S.)": "CA",
		"Provider Business Practice Location Address Telephone Number": "4165550100",
		"Provider Business Practice Location Address Fax Number": "4165550101",
	}
	(record,) = read_nppes(io.BytesIO(csv_bytes([row(**cells)])))
	assert (record.country_code, record.zip_code, record.phone, record.fax) == ("CA", "M5V 2T6", "", "")


@pytest.mark.parametrize(
	"postal, zip_code",
	[("104511234", "10451"), ("10451-1234", "10451"), ("10451", "10451"), ("2118", ""), ("1045A", "")],
)
def test_a_us_zip_is_five_or_nine_digits_and_anything_else_is_dropped(postal, zip_code):
	cells = {**LOCATION, "Provider Business Practice Location Address Postal Code": postal}
	(record,) = read_nppes(io.BytesIO(csv_bytes([row(**{"NPI": DOC_NPI, "Entity Type Code": "1", **cells})])))
	assert record.zip_code == zip_code


def test_a_file_missing_its_key_columns_is_refused_naming_them():
	with pytest.raises(ValueError) as refused:
		list(read_nppes(io.BytesIO(b"NPI,Provider First Name\n1234567893,ANA\n")))
	assert str(refused.value) == "not an NPPES file: no Entity Type Code, Last Update Date column"


def test_an_empty_file_has_no_rows():
	assert list(read_nppes(io.BytesIO(b""))) == []


def test_a_file_with_only_some_columns_reads_what_it_has():
	"""Only the three columns every NPPES file has, the entity's name and the deactivation date."""
	text = (
		"NPI,Entity Type Code,Last Update Date,Provider Last Name (Legal Name),NPI Deactivation Date\n"
		f"{DOC_NPI},1,02/01/2025,RIVERA,\n"
		f"{GONE_NPI},,03/02/2024,,03/01/2024\n"
	)
	doc, gone = read_nppes(io.BytesIO(text.encode()))
	assert doc == NppesRecord(
		line=2, npi=DOC_NPI, entity_type=1, active=True, last_name="RIVERA", last_update_date=date(2025, 2, 1)
	)
	assert gone == NppesRecord(
		line=3,
		npi=GONE_NPI,
		entity_type=0,
		active=False,
		last_update_date=date(2024, 3, 2),
		deactivation_date=date(2024, 3, 1),
	)


def test_an_open_text_stream_is_read_as_it_is_byte_order_mark_and_all():
	"""A stream a caller opened without "utf-8-sig" still starts with the mark before the first name."""
	rows = csv_bytes(ROWS[:1]).decode().split("\r\n", 1)[1]
	text = "\ufeff" + ",".join(NPPES_HEADER) + "\r\n" + rows
	(record,) = read_nppes(io.StringIO(text, newline=""))
	assert (record.npi, record.organization_name) == (ORG_NPI, "BRONX PRIMARY CARE PLLC")


def crlf_inside_a_field() -> bytes:
	cells = dict(zip(NPPES_HEADER, ROWS[0], strict=True))
	cells["Provider First Line Business Practice Location Address"] = "600 E 161ST ST\r\nBLDG 2"
	return csv_bytes([row(**cells)])


def test_a_line_break_inside_a_quoted_field_is_kept_as_cms_wrote_it_whatever_the_source(tmp_path):
	path = tmp_path / "npidata_pfile_20050523-20251109.csv"
	path.write_bytes(crlf_inside_a_field())
	zipped = tmp_path / "NPPES_Data_Dissemination.zip"
	with zipfile.ZipFile(zipped, "w") as archive:
		archive.writestr(path.name, crlf_inside_a_field())
	for source in (io.BytesIO(crlf_inside_a_field()), str(path), str(zipped)):
		(record,) = read_nppes(source)
		assert record.address_line1 == "600 E 161ST ST\r\nBLDG 2"


def test_in_a_zip_each_file_is_found_by_its_own_name_not_its_folder(tmp_path):
	path = tmp_path / "NPPES_Data_Dissemination.zip"
	folder = "release/npidata_pfile_20050523-20251109"
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr(
			f"{folder}/othername_pfile_20050523-20251109.csv", b"NPI,Provider Other Organization Name\n"
		)
		archive.writestr(f"{folder}/npidata_pfile_20050523-20251109.csv", csv_bytes(ROWS[:1]))
	(record,) = read_nppes(str(path))
	assert record.npi == ORG_NPI


def test_a_zip_whose_only_csv_has_another_name_is_read_as_the_npi_file(tmp_path):
	path = tmp_path / "download.zip"
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr("readme.txt", b"CMS")
		archive.writestr("monthly.csv", csv_bytes(ROWS[:1]))
	(record,) = read_nppes(str(path))
	assert record.npi == ORG_NPI


def test_the_row_estimate_of_a_csv_scales_the_first_rows_to_the_file_size(tmp_path):
	path = tmp_path / "npidata_pfile.csv"
	short, long = b"x" * 49 + b"\n", b"y" * 149 + b"\n"
	path.write_bytes(short * 10 + long * 90)  # 14,000 bytes, 100 lines
	assert estimate_rows(str(path), sample_bytes=500) == 14_000 // 50 - 1
	assert estimate_rows(str(path)) == 99, "a file read whole is counted, its header left out"


def test_the_row_estimate_of_a_zip_reads_its_largest_csv_and_never_its_file_header(tmp_path):
	path = tmp_path / "NPPES_Data_Dissemination.zip"
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr("othername_pfile.csv", b"h\n" + b"a\n" * 3)
		archive.writestr(
			"npidata_pfile.csv", b"h\n" + b"b" * 49 + b"\n" + b"c" * 99 + b"\n" * 1 + b"d" * 99 + b"\n"
		)
	assert estimate_rows(str(path)) == 3
	assert estimate_rows(str(path), sample_bytes=52) == int(252 / 26) - 1
	header_only = tmp_path / "header_only.zip"
	with zipfile.ZipFile(header_only, "w") as archive:
		archive.writestr("npidata_pfile_fileheader.csv", b"h\n" * 5)
	assert estimate_rows(str(header_only)) == 0


@pytest.mark.parametrize(
	"content, rows", [(b"", 0), (b"NPI,Entity Type Code", 0), (b"NPI,Entity Type Code\n", 0)]
)
def test_an_empty_or_header_only_file_is_estimated_at_no_rows(tmp_path, content, rows):
	path = tmp_path / "npidata_pfile.csv"
	path.write_bytes(content)
	assert estimate_rows(str(path)) == rows


def test_a_registry_answer_reads_the_sex_key_a_second_address_line_and_an_unlifted_deactivation():
	result = registry_answer("npi_registry_npi1_individual.json")
	basic = dict(result["basic"], sex="F", deactivation_date="2024-02-01", status="A")
	del basic["gender"]
	location = dict(
		next(a for a in result["addresses"] if a["address_purpose"] == "LOCATION"), address_2="STE 2"
	)
	record = record_from_api({**result, "basic": basic, "addresses": [location]})
	assert (record.gender, record.address_line2) == ("Female", "STE 2")
	assert (record.active, record.deactivation_date) == (False, date(2024, 2, 1))
	abroad = record_from_api(
		{**result, "addresses": [dict(location, country_code="CA", fax_number="416-555-0101")]}
	)
	assert (abroad.phone, abroad.fax) == ("", "")


def test_a_field_of_exactly_the_longest_published_length_is_read_and_a_longer_one_refused_alone():
	from referral_crm.core.referral_sources.nppes import MAX_FIELD

	def named(npi, name):
		return row(
			**{"NPI": npi, "Entity Type Code": "2", "Provider Organization Name (Legal Business Name)": name}
		)

	rows = [named(ORG_NPI, "A" * (MAX_FIELD + 1)), named(SUB_NPI, "B" * MAX_FIELD)]
	refused, read_in = read_nppes(io.BytesIO(csv_bytes(rows)))
	assert refused == NppesRowError(2, "a field longer than 300 characters")
	assert (read_in.line, read_in.organization_name) == (3, "B" * 300)


def test_a_row_failing_the_check_digit_shows_twenty_characters_of_it_and_the_next_row_is_read():
	rows = [row(**{"NPI": "1234567890" * 3, "Entity Type Code": "1"}), ROWS[0]]
	refused, read_in = read_nppes(io.BytesIO(csv_bytes(rows)))
	assert refused == NppesRowError(2, "NPI '12345678901234567890' fails the check digit")
	assert (read_in.line, read_in.npi) == (3, ORG_NPI)
