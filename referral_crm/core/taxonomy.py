"""NUCC Health Care Provider Taxonomy codes, as NPPES records them ("207Q00000X")."""

import re

_TAXONOMY_CODE = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")


def normalize_taxonomy_code(raw: str | None) -> str:
	"""Upper-cased, trimmed code; "" for nothing. Raises ValueError for a malformed code."""
	code = (raw or "").strip().upper()
	if code and not _TAXONOMY_CODE.fullmatch(code):
		raise ValueError(f"{raw!r} is not a NUCC taxonomy code")
	return code
