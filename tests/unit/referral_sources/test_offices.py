import pytest

from referral_crm.core.referral_sources.offices import address_key, practice_type_for_taxonomy


@pytest.mark.parametrize(
	"code, kind",
	[
		("282N00000X", "Hospital"),
		("314000000X", "Skilled Nursing Facility"),
		("310400000X", "Assisted Living Facility"),
		("207Q00000X", "Primary Care"),
		("207RC0000X", "Specialty Practice"),
		("207R00000X", "Primary Care"),
		("193200000X", "Multi-Specialty Group"),
		("251E00000X", "Other"),
		("", "Other"),
	],
)
def test_practice_type_follows_the_taxonomy_code(code, kind):
	assert practice_type_for_taxonomy(code) == kind


def test_two_spellings_of_one_address_share_a_key():
	assert address_key("10451-1234", "600 E. 161st St.") == address_key("10451", "600 E 161ST ST")
	assert address_key("10451", "600 E 161st St") != address_key("10452", "600 E 161st St")
	assert address_key("", "600 E 161st St") is None
	assert address_key("10451", " ") is None


def test_an_address_key_keeps_the_street_letters_in_capitals():
	from referral_crm.core.referral_sources.offices import address_key

	assert address_key("10451-2345", "600 E. 161st St.") == ("10451", "600 E 161ST ST")
	assert address_key("", "600 E 161st St") is None and address_key("10451", " .. ") is None
