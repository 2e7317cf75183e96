import io

import pytest

from referral_crm.core.referral_sources.taxonomy import normalize_taxonomy_code


@pytest.mark.parametrize(
	"raw, code", [("207Q00000X", "207Q00000X"), (" 207ri0200x ", "207RI0200X"), ("", ""), (None, "")]
)
def test_codes_are_trimmed_and_upper_cased(raw, code):
	assert normalize_taxonomy_code(raw) == code


@pytest.mark.parametrize("raw", ["207Q00000", "207Q00000Y", "Q07Q00000X", "207Q-0000X"])
def test_malformed_codes_are_refused(raw):
	with pytest.raises(ValueError):
		normalize_taxonomy_code(raw)


from pathlib import Path  # noqa: E402

from referral_crm.core.referral_sources.taxonomy import (  # noqa: E402
	TaxonomyCode,
	TaxonomyRowError,
	code_set_version,
	codes_no_longer_listed,
	is_primary_care,
	qualified_specialty_name,
	read_nucc_csv,
	specialty_name,
	version_key,
)

SHIPPED = Path(__file__).parents[3] / "referral_crm" / "data" / "nucc_taxonomy_251.csv"
NUCC_HEADER = "Code,Grouping,Classification,Specialization,Definition,Notes,Display Name,Section\r\n"


def test_a_nucc_file_reads_in_its_own_layout_with_multiline_definitions_and_windows_encoding():
	body = (
		NUCC_HEADER
		+ '207RC0000X,Allopathic & Osteopathic Physicians,Internal Medicine,Cardiovascular Disease,"An internist\r\nwho specializes in the heart, caf\xe9",,Cardiovascular Disease Physician,Individual\r\n'
		+ "BAD,x,y,,,,,\r\n"
	)
	items = list(read_nucc_csv(io.BytesIO(body.encode("cp1252"))))
	assert items[0] == TaxonomyCode(
		"207RC0000X",
		"Allopathic & Osteopathic Physicians",
		"Internal Medicine",
		"Cardiovascular Disease",
		"Cardiovascular Disease Physician",
		"Individual",
	)
	assert isinstance(items[1], TaxonomyRowError) and items[1].line == 4  # the definition took two lines


def test_columns_are_found_by_name_whatever_their_order():
	body = "\ufeffSection,Display Name,Code,Classification\nIndividual,Family Medicine Physician,207Q00000X,Family Medicine\n"
	(item,) = read_nucc_csv(io.StringIO(body))
	assert (item.code, item.classification, item.display_name) == (
		"207Q00000X",
		"Family Medicine",
		"Family Medicine Physician",
	)


def test_a_file_without_codes_is_refused():
	(item,) = read_nucc_csv(io.StringIO("Name,Value\nx,y\n"))
	assert isinstance(item, TaxonomyRowError) and item.line == 1


def test_specialty_names_read_as_a_liaison_says_them():
	def code(c, grouping, classification, specialization="", display=""):
		return TaxonomyCode(c, grouping, classification, specialization, display, "Individual")

	physicians = "Allopathic & Osteopathic Physicians"
	assert (
		specialty_name(code("207RC0000X", physicians, "Internal Medicine", "Cardiovascular Disease"))
		== "Cardiovascular Disease"
	)
	assert (
		specialty_name(code("207LP2900X", physicians, "Anesthesiology", "Pain Medicine"))
		== "Pain Medicine (Anesthesiology)"
	)
	assert specialty_name(code("207Q00000X", physicians, "Family Medicine")) == "Family Medicine"
	nurses = "Physician Assistants & Advanced Practice Nursing Providers"
	assert (
		specialty_name(
			code("363LF0000X", nurses, "Nurse Practitioner", "Family", "Family Nurse Practitioner")
		)
		== "Family Nurse Practitioner"
	)


def test_primary_care_codes():
	assert is_primary_care("207Q00000X") and is_primary_care("207QG0300X") and is_primary_care("363LF0000X")
	assert not is_primary_care("207RC0000X") and not is_primary_care("")


def test_the_shipped_code_set_is_nucc_complete_251():
	items = list(read_nucc_csv(SHIPPED.open("rb")))
	assert all(isinstance(i, TaxonomyCode) for i in items)
	assert len(items) == len({i.code for i in items}) == 883
	assert code_set_version(SHIPPED.name) == "25.1"
	assert {i.section for i in items} == {"Individual", "Non-Individual"}
	assert all(i.display_name for i in items)
	codes = {i.code: i for i in items}
	physicians = [i for i in items if i.grouping == "Allopathic & Osteopathic Physicians"]
	assert len(physicians) >= 200
	for needed in ("207Q00000X", "207R00000X", "208000000X", "363L00000X", "363A00000X", "282N00000X"):
		assert needed in codes
	for needed in ("314000000X", "251G00000X", "251E00000X", "261QP2300X", "193200000X"):
		assert needed in codes
	physician_names = {specialty_name(i) for i in physicians}
	assert len(physician_names) == len(physicians), "one specialty name per physician code"
	# Where another kind of provider shares a physician's word ("Legal Medicine"), the site names the
	# second one it meets in full (taxonomies.specialty_for_taxonomy): still one name per code.
	others = {
		specialty_name(i) if specialty_name(i) not in physician_names else qualified_specialty_name(i)
		for i in items
		if i not in physicians
	}
	assert len(others | physician_names) == len(items)


@pytest.mark.parametrize(
	"name, version",
	[("nucc_taxonomy_251.csv", "25.1"), ("NUCC_TAXONOMY_240.CSV", "24.0"), ("codes.csv", ""), (None, "")],
)
def test_the_version_comes_from_nucc_file_name(name, version):
	assert code_set_version(name) == version


def test_versions_compare_as_numbers():
	assert (
		version_key("") < version_key("9.1") < version_key("24.0") < version_key("25.1") < version_key("25.2")
	)


def test_a_newer_code_set_deprecates_only_what_it_dropped():
	current = {f"{n:03d}000000X" for n in range(300)}
	assert codes_no_longer_listed(current, current - {"001000000X"} | {"999000000X"}) == {"001000000X"}
	assert codes_no_longer_listed(current, current) == set()
	assert codes_no_longer_listed(current, {"001000000X"}) is None, "two codes are not a complete code set"


def test_each_unreadable_row_says_why_and_the_rest_still_read():
	body = (
		NUCC_HEADER
		+ ",Group,x,,,,,\r\nBAD,x,y,,,,,\r\n\r\n207Q00000X,Allopathic & Osteopathic Physicians,Family Medicine,,,,Family Medicine Physician,Individual\r\n"
	)
	items = list(read_nucc_csv(io.StringIO("\ufeff" + body)))
	assert items[:2] == [TaxonomyRowError(2, "no code"), TaxonomyRowError(3, "'BAD' is not a taxonomy code")]
	assert [i.code for i in items[2:]] == ["207Q00000X"], "a blank line is passed over, the next row read"
	assert str(items[1]) == "line 3: 'BAD' is not a taxonomy code"


def test_a_header_needs_both_code_and_classification():
	for header in ("Code,Grouping\n", "Classification,Grouping\n", ""):
		assert list(read_nucc_csv(io.StringIO(header + "207Q00000X,x\n"))) == [
			TaxonomyRowError(1, "the header has no Code and Classification columns")
		]


def test_a_short_row_reads_its_missing_cells_as_empty():
	(item,) = read_nucc_csv(io.StringIO("Code,Classification,Display Name\n207Q00000X,Family Medicine\n"))
	assert (item.classification, item.display_name, item.section) == ("Family Medicine", "", "")


def test_files_in_utf8_windows_1252_and_latin_1_all_read():
	text = NUCC_HEADER + '207RC0000X,x,Internal Medicine,,"caf\xe9",,Name,Individual\r\n'
	for encoding in ("utf-8-sig", "cp1252", "latin-1"):
		(item,) = read_nucc_csv(io.BytesIO(text.encode(encoding)))
		assert item.code == "207RC0000X"
	(item,) = read_nucc_csv(
		io.BytesIO(NUCC_HEADER.encode() + b"207RC0000X,x,Internal Medicine \x81,,,,Name,Individual\r\n")
	)
	assert item.classification == "Internal Medicine \x81", "neither UTF-8 nor Windows-1252: Latin-1"


def test_a_newer_code_set_may_drop_up_to_one_code_in_twenty():
	current = {f"{n:03d}000000X" for n in range(400)}
	twenty = set(sorted(current)[:20])
	assert codes_no_longer_listed(current, current - twenty) == twenty
	assert codes_no_longer_listed(current, current - twenty - {"399000000X"}) is None
	small = {f"{n:03d}000000X" for n in range(30)}
	assert len(codes_no_longer_listed(small, set(sorted(small)[10:]))) == 10
	assert codes_no_longer_listed(small, set(sorted(small)[11:])) is None


def test_names_of_codes_without_a_specialization():
	other = TaxonomyCode(
		"171M00000X", "Other Service Providers", "Case Manager/Care Coordinator", "", "", "Individual"
	)
	assert specialty_name(other) == "Case Manager/Care Coordinator (Other Service Providers)"
	physician = TaxonomyCode("207Q00000X", "Allopathic & Osteopathic Physicians", "", "", "", "Individual")
	assert specialty_name(physician) == "207Q00000X"
	assert qualified_specialty_name(TaxonomyCode("X", "", "Nursing", "", "", "")) == "Nursing"
	assert qualified_specialty_name(TaxonomyCode("999Z00000X", "", "", "", "", "")) == "999Z00000X"
	assert is_primary_care(TaxonomyCode("207QA0505X", "", "", "", "", "")) and not is_primary_care(None)


def test_a_malformed_taxonomy_code_is_refused_by_name():
	with pytest.raises(ValueError) as refused:
		normalize_taxonomy_code("207Q-0000X")
	assert str(refused.value) == "'207Q-0000X' is not a NUCC taxonomy code"


def test_a_windows_1252_file_keeps_its_curly_quotes():
	from referral_crm.core.referral_sources.taxonomy import TaxonomyCode, read_nucc_csv

	content = "Code,Grouping,Classification\n207Q00000X,Allopathic,Family\u2019s Medicine\n".encode("cp1252")
	(code,) = read_nucc_csv(io.BytesIO(content))
	assert isinstance(code, TaxonomyCode) and code.classification == "Family\u2019s Medicine"


def test_an_empty_code_set_file_is_refused_for_its_header():
	from referral_crm.core.referral_sources.taxonomy import TaxonomyRowError, read_nucc_csv

	assert list(read_nucc_csv(io.BytesIO(b""))) == [
		TaxonomyRowError(1, "the header has no Code and Classification columns")
	]
