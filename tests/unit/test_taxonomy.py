import pytest

from referral_crm.core.taxonomy import normalize_taxonomy_code


@pytest.mark.parametrize(
	"raw, code", [("207Q00000X", "207Q00000X"), (" 207ri0200x ", "207RI0200X"), ("", ""), (None, "")]
)
def test_codes_are_trimmed_and_upper_cased(raw, code):
	assert normalize_taxonomy_code(raw) == code


@pytest.mark.parametrize("raw", ["207Q00000", "207Q00000Y", "Q07Q00000X", "207Q-0000X"])
def test_malformed_codes_are_refused(raw):
	with pytest.raises(ValueError):
		normalize_taxonomy_code(raw)
