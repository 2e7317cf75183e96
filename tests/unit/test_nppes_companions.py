"""CMS's Practice Location, Other Name and Endpoint files, read from the real rows CMS published."""

import csv
import io
import zipfile
from pathlib import Path

import pytest

from referral_crm.core.nppes import NppesRowError
from referral_crm.core.nppes_companions import (
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

CMS = Path(__file__).parents[2] / "referral_crm" / "tests" / "data" / "cms"
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
