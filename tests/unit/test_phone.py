import pytest

from referral_crm.core.errors import InvalidPhoneNumberError
from referral_crm.core.phone import dial_string, format_phone, normalize_phone


@pytest.mark.parametrize(
	"raw",
	["212-555-0100", "(212) 555-0100", "212.555.0100", "2125550100", "+1 212 555 0100", "1-212-555-0100"],
)
def test_us_numbers_in_every_usual_shape_store_as_e164(raw):
	assert normalize_phone(raw) == "+12125550100"


def test_extension_is_kept():
	stored = normalize_phone("212-555-0100 x23")
	assert stored == "+12125550100;ext=23"
	assert normalize_phone(stored) == stored
	assert format_phone(stored) == "(212) 555-0100 ext. 23"
	assert dial_string(stored) == "+12125550100,23"


@pytest.mark.parametrize("raw", ["555-0100", "12345", "call the front desk", "+1 000 000 0000"])
def test_unparseable_or_invalid_numbers_raise(raw):
	with pytest.raises(InvalidPhoneNumberError):
		normalize_phone(raw)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_is_empty(raw):
	assert normalize_phone(raw) == ""


def test_display_is_national_for_home_region_and_international_otherwise():
	assert format_phone("+17185551234") == "(718) 555-1234"
	assert format_phone("+442079460958") == "+44 20 7946 0958"


def test_region_changes_how_local_numbers_parse():
	assert normalize_phone("020 7946 0958", region="GB") == "+442079460958"


def test_normalising_is_idempotent():
	once = normalize_phone("(718) 555-1234")
	assert normalize_phone(once) == once


def test_a_number_is_refused_saying_whether_it_is_no_number_or_not_a_valid_one():
	with pytest.raises(InvalidPhoneNumberError) as unreadable:
		normalize_phone("abc")
	assert str(unreadable.value) == "'abc' is not a phone number"
	with pytest.raises(InvalidPhoneNumberError) as invalid:
		normalize_phone("212555")
	assert str(invalid.value) == "'212555' is not a valid phone number"


def test_a_national_number_is_read_in_the_region_asked_for():
	assert format_phone("02071234567", "GB") == "020 7123 4567"
	assert format_phone(None) == "" and dial_string(None) == ""
	assert dial_string("+12125550100") == "+12125550100"


@pytest.mark.parametrize(
	"region, known", [("US", True), ("gb", True), ("ZZ", False), ("", False), (None, False)]
)
def test_a_default_region_must_be_one_the_phone_rules_know(region, known):
	from referral_crm.core.phone import is_known_region

	assert is_known_region(region) is known
