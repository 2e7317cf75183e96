"""Offices as the registry describes them: what kind of practice a taxonomy code is, one address key."""

import re

# NUCC code prefixes, longest first wins; anything else a physician group is a specialty practice.
_PRACTICE_TYPES = (
	("261QP2300X", "Primary Care"),
	("193200000X", "Multi-Specialty Group"),
	("193400000X", "Specialty Practice"),
	("282N", "Hospital"),
	("273", "Hospital"),
	("283X", "Rehabilitation Facility"),
	("314", "Skilled Nursing Facility"),
	("3104", "Assisted Living Facility"),
	("207Q", "Primary Care"),
	("207R00000X", "Primary Care"),
	("208D", "Primary Care"),
	("208000000X", "Primary Care"),
	("20", "Specialty Practice"),
	("363L", "Primary Care"),
	("363A", "Specialty Practice"),
)


def practice_type_for_taxonomy(code: str | None) -> str:
	"""The Practice Type an office gets from its primary taxonomy code; "Other" when nothing fits."""
	code = (code or "").upper()
	matches = [(prefix, kind) for prefix, kind in _PRACTICE_TYPES if code.startswith(prefix)]
	return max(matches, key=lambda m: len(m[0]))[1] if matches else "Other"


def address_key(zip_code: str | None, address_line1: str | None) -> tuple[str, str] | None:
	"""Two spellings of one street address meet on this key ("100 Main St." and "100 MAIN ST")."""
	street = re.sub(r"[^A-Z0-9]+", " ", (address_line1 or "").upper()).strip()
	return ((zip_code or "")[:5], street) if zip_code and street else None
