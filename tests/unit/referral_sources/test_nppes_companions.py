"""CMS's Practice Location, Other Name and Endpoint files, read from the real rows CMS published."""

import csv
import io
import zipfile
from pathlib import Path

import pytest

from referral_crm.core.referral_sources.nppes import NppesRowError
from referral_crm.core.referral_sources.nppes_companions import (
	ENDPOINT,
	OTHER_NAME,
	PRACTICE_LOCATION,
	Endpoint,
	OtherName,
	PracticeLocation,
	companions_in_zip,
	direct_address,
	read_endpoints,
	read_other_names,
	read_practice_locations,
)

CMS = Path(__file__).parents[3] / "referral_crm" / "tests" / "data" / "cms"
PL, OTHER, ENDPOINTS = (CMS / f"{k}_pfile_excerpt.csv" for k in ("pl", "othername", "endpoint"))


def data_rows(path: Path) -> list[list[str]]:
	with open(path, newline="", encoding="utf-8") as source:
		return list(csv.reader(source))[1:]


@pytest.mark.parametrize(
	"path, reader, kind",
	[
		(PL, read_practice_locations, PracticeLocation),
		(OTHER, read_other_names, OtherName),
		(ENDPOINTS, read_endpoints, Endpoint),
	],
)
def test_every_real_row_is_read_and_none_refused(path, reader, kind):
	items = list(reader(str(path)))
	assert len(items) == len(data_rows(path)) == 200
	assert [i for i in items if not isinstance(i, kind)] == []


def test_a_secondary_location_with_cms_odd_header_spacing():
	first = next(read_practice_locations(str(PL)))
	assert first == PracticeLocation(
		line=2,
		npi="1932918026",
		address_line1="745 Old Mayfield Rd",
		address_line2="",
		city="Danville",
		state="VA",
		zip_code="24541",
		country_code="US",
		phone="+14344298543",
		fax="",
	)


def test_one_npi_has_several_secondary_locations():
	npis = [r.npi for r in read_practice_locations(str(PL))]
	assert npis.count("1073050910") > 1


def test_other_names_carry_their_kind():
	names = list(read_other_names(str(OTHER)))
	assert names[0] == OtherName(line=2, npi="1134856982", name="Empire Health Systems", type_code="5")
	assert names[0].kind == "Other Name"
	assert {n.kind for n in names} == {"Doing Business As", "Former Legal Business Name", "Other Name"}


def test_endpoints_and_the_direct_address():
	endpoints = [e for e in read_endpoints(str(ENDPOINTS)) if e.npi == "1295057917"]
	assert [e.endpoint_type for e in endpoints][:2] == ["DIRECT", "FHIR"]
	assert direct_address(endpoints) == "dmann343056@UmassMemorial.direct-ci.com"
	assert direct_address([e for e in endpoints if e.endpoint_type == "FHIR"]) == ""
	assert {e.endpoint_type for e in read_endpoints(str(ENDPOINTS))} == {
		"DIRECT",
		"FHIR",
		"CONNECT",
		"SOAP",
		"OTHERS",
	}


def test_a_bad_npi_or_short_row_is_an_error_with_its_line():
	text = PL.read_text().splitlines()
	text[2] = text[2].replace('"1548065568"', '"1548065569"')
	text[3] = '"1932918026","1 Main St"'
	items = list(read_practice_locations(io.BytesIO("\n".join(text).encode())))
	assert isinstance(items[1], NppesRowError) and items[1].line == 3 and "check digit" in items[1].message
	assert isinstance(items[2], NppesRowError) and items[2].line == 4 and "columns" in items[2].message
	assert sum(isinstance(i, PracticeLocation) for i in items) == 198


def test_a_withheld_value_is_no_value():
	text = OTHER.read_text().replace('"Empire Health Systems"', '"<UNAVAIL>"', 1)
	first = next(read_other_names(io.BytesIO(text.encode())))
	assert isinstance(first, NppesRowError) and first.message == "no other name"


def test_the_wrong_file_is_refused_by_name():
	with pytest.raises(ValueError, match="not an NPPES Endpoint file"):
		list(read_endpoints(str(PL)))


def test_cms_zip_members_are_found(tmp_path):
	path = tmp_path / "NPPES_Data_Dissemination_November_2025.zip"
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr(
			"npidata_pfile_20050523-20251109.csv", (CMS / "npidata_pfile_one_organisation.csv").read_bytes()
		)
		archive.writestr("pl_pfile_20050523-20251109.csv", PL.read_bytes())
		archive.writestr("pl_pfile_20050523-20251109_fileheader.csv", PL.read_text().splitlines()[0])
		archive.writestr("endpoint_pfile_20050523-20251109.csv", ENDPOINTS.read_bytes())
	assert companions_in_zip(str(path)) == [PRACTICE_LOCATION, ENDPOINT]
	assert OTHER_NAME not in companions_in_zip(str(path))
	assert len(list(read_practice_locations(str(path)))) == 200
	with pytest.raises(ValueError, match="no othername CSV"):
		list(read_other_names(str(path)))


def test_an_endpoint_row_reads_in_full_with_the_other_use_and_content_first():
	header = ENDPOINTS.read_text().splitlines()[0]
	row = '"1295057917","FHIR","FHIR URL","https://fhir.example.org/R4/","Y","Patient access","UMASS MEMORIAL MEDICAL GROUP","OTHER","Other","Referrals","OTHER","Other","Visit notes","119 Belmont St","","Worcester","MA","US","016052903"'
	(endpoint,) = read_endpoints(io.BytesIO(f"\ufeff{header}\n{row}\n".encode()))
	assert endpoint == Endpoint(
		line=2,
		npi="1295057917",
		endpoint_type="FHIR",
		endpoint_type_description="FHIR URL",
		endpoint="https://fhir.example.org/R4/",
		description="Patient access",
		use="Referrals",
		content="Visit notes",
		affiliation_name="UMASS MEMORIAL MEDICAL GROUP",
	)
	plain = row.replace('"Referrals"', '""').replace('"Visit notes"', '""')
	(endpoint,) = read_endpoints(io.BytesIO(f"{header}\n{plain}\n".encode()))
	assert (endpoint.use, endpoint.content) == ("Other", "Other")


def test_a_secondary_location_abroad_keeps_its_postcode_and_gets_no_us_numbers():
	header = PL.read_text().splitlines()[0]
	row = '"1932918026","1 King St W","Suite 2","Toronto","ON","M5H 1A1","CA","4165550100","","4165550101"'
	(location,) = read_practice_locations(io.BytesIO(f"{header}\n{row}\n".encode()))
	assert (location.country_code, location.zip_code, location.phone, location.fax) == (
		"CA",
		"M5H 1A1",
		"",
		"",
	)
	assert (location.address_line2, location.state) == ("Suite 2", "ON")
	us = row.replace('"CA"', '""').replace('"M5H 1A1"', '"245416056"')
	(location,) = read_practice_locations(io.BytesIO(f"{header}\n{us}\n".encode()))
	assert (location.country_code, location.zip_code, location.phone, location.fax) == (
		"US",
		"24541",
		"+14165550100",
		"+14165550101",
	)


@pytest.mark.parametrize(
	"row, message",
	[
		('"1932918026","","","Danville","VA","245416056","US","","",""', "no street address or postal code"),
		(
			'"1932918026","745 Old Mayfield Rd","","Danville","VA","","US","","",""',
			"no street address or postal code",
		),
		(
			'"1932918026","' + "x" * 301 + '","","Danville","VA","245416056","US","","",""',
			"a field longer than 300 characters",
		),
		(
			'"1932918027","745 Old Mayfield Rd","","Danville","VA","245416056","US","","",""',
			"NPI '1932918027' fails the check digit",
		),
	],
)
def test_each_refused_row_says_why_with_its_line(row, message):
	header = PL.read_text().splitlines()[0]
	good = PL.read_text().splitlines()[1]
	items = list(read_practice_locations(io.BytesIO(f"{header}\n{row}\n\n{good}\n".encode())))
	assert items[0] == NppesRowError(2, message)
	assert isinstance(items[1], PracticeLocation) and items[1].line == 4, "a blank line is passed over"


def test_a_field_of_exactly_the_longest_length_is_read():
	header = OTHER.read_text().splitlines()[0]
	name = "N" * 300
	(item,) = read_other_names(io.BytesIO(f'{header}\n"1134856982","{name}","3"\n'.encode()))
	assert item.name == name and item.kind == "Doing Business As"


def test_an_empty_file_yields_nothing():
	assert list(read_endpoints(io.BytesIO(b""))) == []


def test_no_endpoint_and_no_other_name_are_errors_on_their_line():
	header = ENDPOINTS.read_text().splitlines()[0]
	row = '"1295057917","DIRECT","Direct Messaging Address","","N","","","","","","","","","","","","","",""'
	assert list(read_endpoints(io.BytesIO(f"{header}\n{row}\n".encode()))) == [
		NppesRowError(2, "no endpoint")
	]


def test_only_a_direct_endpoint_with_an_address_is_the_direct_address():
	def endpoint(kind, value):
		return Endpoint(1, "1295057917", kind, "", value, "", "", "", "")

	assert (
		direct_address(
			[
				endpoint("FHIR", "https://user@fhir.example.org/"),
				endpoint("DIRECT", "notes@direct.example.org"),
			]
		)
		== "notes@direct.example.org"
	)
	assert direct_address([endpoint("DIRECT", "https://not-an-address.example.org")]) == ""


def test_zip_members_in_a_folder_and_file_headers_alone(tmp_path):
	path = tmp_path / "NPPES.zip"
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr("NPPES_Data/othername_pfile_20050523-20251109.csv", OTHER.read_bytes())
		archive.writestr(
			"NPPES_Data/endpoint_pfile_20050523-20251109_fileheader.csv",
			ENDPOINTS.read_text().splitlines()[0],
		)
		archive.writestr("NPPES_Data/pl_pfile_20050523-20251109.txt", PL.read_bytes())
	assert companions_in_zip(str(path)) == [OTHER_NAME]
	assert companions_in_zip(str(OTHER)) == []
	assert len(list(read_other_names(str(path)))) == 200


def test_an_other_name_row_without_a_name_or_with_a_long_bad_npi_is_an_error_on_its_line():
	header = OTHER.read_text().splitlines()[0]
	rows = '"1134856982","","3"\n"' + "1234567890" * 3 + '","Empire Health Systems","5"\n'
	assert list(read_other_names(io.BytesIO(f"{header}\n{rows}".encode()))) == [
		NppesRowError(2, "no other name"),
		NppesRowError(3, "NPI '12345678901234567890' fails the check digit"),
	]


def test_a_companion_file_not_in_utf8_is_refused_by_its_name():
	from referral_crm.core.errors import UnreadableFileError

	with pytest.raises(UnreadableFileError) as refused:
		list(read_other_names(io.BytesIO(OTHER.read_text().encode("utf-16"))))
	assert str(refused.value) == "The file is not an NPPES Other Name CSV in UTF-8 (UnicodeDecodeError)."


def test_zip_members_two_folders_deep_are_found_by_their_file_name(tmp_path):
	path = tmp_path / "NPPES.zip"
	with zipfile.ZipFile(path, "w") as archive:
		archive.writestr("NPPES/Data/othername_pfile_20050523-20251109.csv", OTHER.read_bytes())
	assert companions_in_zip(str(path)) == [OTHER_NAME]


def test_a_companion_file_without_an_optional_column_reads_it_as_empty():
	(item,) = read_other_names(
		io.BytesIO(b'"NPI","Provider Other Organization Name"\n"1134856982","Empire Health Systems"\n')
	)
	assert (item.name, item.type_code) == ("Empire Health Systems", "")


def test_a_byte_order_mark_before_the_first_column_name_is_ignored():
	text = "\ufeff" + OTHER.read_text()
	assert len(list(read_other_names(io.StringIO(text, newline="")))) == 200
