import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.errors import InvalidNPIError
from referral_crm.core.referral_sources.npi import (
	clean_npi,
	is_valid_npi,
	make_npi,
	npi_check_digit,
	validate_npi,
)


def test_cms_documentation_example_is_valid():
	# CMS, "Requirements for the NPI check digit": 123456789 gets check digit 3.
	assert npi_check_digit("123456789") == 3
	assert is_valid_npi("1234567893")


def test_one_wrong_digit_is_rejected():
	assert not is_valid_npi("1234567890")
	with pytest.raises(InvalidNPIError, match="check digit"):
		validate_npi("1234567890")


@pytest.mark.parametrize(
	"npi",
	[
		"1245319599",  # real NPPES individual records
		"1003000126",
		"1023011079",
		"1538144910",
	],
)
def test_real_registry_npis_are_valid(npi):
	assert is_valid_npi(npi)


@pytest.mark.parametrize("value", ["123456789", "12345678933", "12345x7893", "", None, "3234567893"])
def test_malformed_values_are_rejected(value):
	assert not is_valid_npi(value)
	with pytest.raises(InvalidNPIError):
		validate_npi(value)


def test_spaces_and_dashes_are_cleaned():
	assert clean_npi(" 123-456-7893 ") == "1234567893"
	assert validate_npi("123 456 7893") == "1234567893"
	assert validate_npi(1234567893) == "1234567893"


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True))
def test_made_npis_validate(first_nine):
	assert is_valid_npi(make_npi(first_nine))


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_of_the_check_digit_is_caught(first_nine, delta):
	npi = make_npi(first_nine)
	wrong = npi[:9] + str((int(npi[9]) + delta) % 10)
	assert not is_valid_npi(wrong)


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True), st.integers(min_value=0, max_value=7))
def test_adjacent_transpositions_are_caught_when_digits_differ(first_nine, position):
	npi = make_npi(first_nine)
	digits = list(npi)
	i = position + 1  # keep the leading 1/2, swap inside the body
	if digits[i] == digits[i + 1] or {digits[i], digits[i + 1]} == {"0", "9"}:
		return  # Luhn cannot see these swaps
	digits[i], digits[i + 1] = digits[i + 1], digits[i]
	assert not is_valid_npi("".join(digits))


@pytest.mark.parametrize("first", "03456789")
def test_an_npi_starts_with_1_or_2_even_when_its_check_digit_is_right(first):
	npi = make_npi(first + "23456789")
	assert not is_valid_npi(npi)
	with pytest.raises(InvalidNPIError, match="starts with 1 or 2"):
		validate_npi(npi)


@pytest.mark.parametrize(
	"typed",
	[
		"１２３４５６７８９３",  # full-width
		"١٢٣٤٥٦٧٨٩٣",  # Arabic-Indic
		"123456789³",  # superscript
		"12345678９3",
	],
)
def test_only_ascii_digits_are_npi_digits(typed):
	assert not is_valid_npi(typed)
	with pytest.raises(InvalidNPIError, match="10 digits"):
		validate_npi(typed)


def test_a_stray_letter_is_not_cleaned_away():
	assert clean_npi("1234567893X") == "1234567893X"
	assert clean_npi(None) == ""
	with pytest.raises(InvalidNPIError):
		validate_npi("1234567893X")


def test_the_check_digit_needs_nine_digits_and_says_so():
	for first_nine in ("12345678X", "12345678"):
		with pytest.raises(InvalidNPIError) as refused:
			npi_check_digit(first_nine)
		assert str(refused.value) == "The first nine digits of an NPI must be nine digits"
