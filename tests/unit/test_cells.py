import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.cells import is_formula, safe_cell


@pytest.mark.parametrize(
	"value",
	[
		'=HYPERLINK("http://evil.example","Click")',
		"=1+1",
		" =cmd|' /C calc'!A0",
		"+SUM(A1:A9)",
		"-2+3+cmd|' /C calc'!A0",
		"@SUM(1,1)",
		"\t=1+1",
		"\r=1+1",
	],
)
def test_formulas_are_caught_and_neutralised(value):
	assert is_formula(value)
	assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
	"value",
	["+1 718 555 0143", "-12.50", "Bronx Family Medicine", "", "St. Barnabas", "A-1 Clinic", "42", None, 7],
)
def test_ordinary_values_pass_unchanged(value):
	assert not is_formula(value)
	assert safe_cell(value) == value


@given(st.text())
def test_a_safe_cell_is_never_a_formula(value):
	assert not is_formula(safe_cell(value)) or safe_cell(value).startswith("'")
	assert safe_cell(value).removeprefix("'") == value or safe_cell(value) == value
