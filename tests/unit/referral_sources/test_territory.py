import pytest

from referral_crm.core.errors import InvalidZipCodeError
from referral_crm.core.referral_sources.territory import (
	ZipClaim,
	find_zip_conflicts,
	normalize_zip,
	normalize_zip_list,
	resolve_territory,
)


@pytest.mark.parametrize(
	"raw, expected",
	[("10451", "10451"), (" 10451 ", "10451"), ("10451-2345", "10451"), ("104512345", "10451"), ("", "")],
)
def test_zip_codes_normalise_to_five_digits(raw, expected):
	assert normalize_zip(raw) == expected


@pytest.mark.parametrize("raw", ["1045", "104511", "10451-23", "ABCDE", "10451-ABCD"])
def test_bad_zip_codes_raise(raw):
	with pytest.raises(InvalidZipCodeError):
		normalize_zip(raw)


def test_zip_list_drops_blanks_and_repeats_in_order():
	assert normalize_zip_list(["10452", "", "10451-0001", "10452", None]) == ["10452", "10451"]


def test_conflicts_name_every_sibling_claiming_a_zip():
	conflicts = find_zip_conflicts(
		["10451", "10452", "10453"],
		{"Bronx South": ["10451", "10454"], "Bronx West": ["10453"], "Bronx East": ["10451"]},
	)
	assert conflicts == {"10451": ["Bronx East", "Bronx South"], "10453": ["Bronx West"]}


def test_no_conflict_when_siblings_claim_other_zips():
	assert find_zip_conflicts(["10451"], {"Queens": ["11101"]}) == {}


def test_the_innermost_claiming_territory_wins():
	claims = [ZipClaim("New York City", 1, 20), ZipClaim("Bronx", 2, 9), ZipClaim("Bronx South", 3, 4)]
	assert resolve_territory(claims) == "Bronx South"
	assert resolve_territory(reversed(claims)) == "Bronx South"


def test_containment_not_tree_order_decides():
	"""NY > Bronx and a top-level NJ after it: NJ's left value is larger, but it contains nothing."""
	bronx, nj = ZipClaim("Bronx", 2, 3), ZipClaim("New Jersey", 5, 6)
	assert resolve_territory([ZipClaim("New York", 1, 4), bronx]) == "Bronx"
	assert resolve_territory([ZipClaim("New York", 1, 4), bronx, nj]) is None, "side by side: refused at save"


@pytest.mark.parametrize("raw", ["１０４５１", "١٠٤٥١", "10451-２３４５", "1045¹"])
def test_only_ascii_digits_are_zip_digits(raw):
	with pytest.raises(InvalidZipCodeError):
		normalize_zip(raw)


def test_unclaimed_zip_has_no_territory():
	assert resolve_territory([]) is None


@pytest.mark.parametrize("raw", ["１０４５１", "10451-23", "1045"])
def test_a_bad_zip_code_is_refused_by_name(raw):
	with pytest.raises(InvalidZipCodeError) as refused:
		normalize_zip(raw)
	assert str(refused.value) == f"{raw!r} is not a US ZIP code"


def test_two_territories_side_by_side_resolve_to_none():
	assert resolve_territory([ZipClaim("Bronx", 2, 3), ZipClaim("Queens", 4, 5)]) is None
