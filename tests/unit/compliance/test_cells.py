import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.compliance.cells import is_formula, safe_cell

FORMULAS = [
	'=HYPERLINK("http://evil.example","Click")',
	"=1+1",
	" =cmd|' /C calc'!A0",
	"+SUM(A1:A9)",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1,1)",
	"\t=1+1",
	"\r=1+1",
]
ORDINARY = [
	"+1 718 555 0143",
	"+1 (718) 555-0143",
	"-12.50",
	"Bronx Family Medicine",
	"",
	"St. Barnabas",
	"A-1 Clinic",
	"42",
	None,
	7,
]


@pytest.mark.parametrize("value", FORMULAS)
def test_formulas_are_caught_and_neutralised(value):
	assert is_formula(value)
	assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ORDINARY)
def test_ordinary_values_pass_unchanged(value):
	assert not is_formula(value)
	assert safe_cell(value) == value


def test_a_phone_with_an_extension_is_not_refused_but_is_quoted_in_our_csv():
	assert not is_formula("+17185551299;ext=12")
	assert safe_cell("+17185551299;ext=12") == "'+17185551299;ext=12"


@given(st.text())
def test_what_is_refused_is_always_quoted_and_quoting_only_adds_an_apostrophe(value):
	if is_formula(value):
		assert safe_cell(value).startswith("'")
	assert safe_cell(value) in (value, "'" + value)


def test_a_letter_before_the_equals_sign_makes_the_cell_text():
	assert not is_formula("X=1+1") and safe_cell("XX=1+1") == "XX=1+1"


def test_a_line_feed_before_the_equals_sign_makes_the_cell_text():
	assert not is_formula("\n=1+1") and safe_cell("\n=1+1") == "\n=1+1"
