import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.referral_sources.names import proper_case, provider_display_name


@pytest.mark.parametrize(
	"shouted, expected",
	[
		("MONTEFIORE MEDICAL CENTER", "Montefiore Medical Center"),
		("BRONX PRIMARY CARE PLLC", "Bronx Primary Care PLLC"),
		("O'NEIL-SMITH", "O'Neil-Smith"),
		("MCDONALD", "McDonald"),
		("600 E 161ST ST", "600 E 161st St"),
		("22ND AVE SUITE 4B", "22nd Ave Suite 4B"),
		("11TH FLOOR", "11th Floor"),
		("", ""),
	],
)
def test_shouted_registry_names_read_like_names(shouted, expected):
	assert proper_case(shouted) == expected


def test_a_name_a_person_typed_in_mixed_case_is_left_alone():
	assert proper_case("deLuca Family Practice") == "deLuca Family Practice"


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), max_codepoint=0x7F)))
def test_proper_case_is_idempotent(text):
	assert proper_case(proper_case(text)) == proper_case(text)


def test_display_name_joins_the_parts_that_exist():
	assert provider_display_name("Ana", "M", "Rivera", "MD") == "Ana M Rivera, MD"
	assert provider_display_name("Ana", None, "Rivera", " ") == "Ana Rivera"


def test_mc_alone_is_a_word_and_mc_before_a_letter_capitalises_it():
	assert proper_case("MC") == "Mc" and proper_case("MCA") == "McA"
