"""Referral Territory rules: ZIP codes claimed by territories, and which territory a ZIP falls in."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from referral_crm.core.errors import InvalidZipCodeError


def normalize_zip(raw: str | int | None) -> str:
	"""Return the five-digit ZIP of "10451", "10451-2345" or " 10451 "; "" for nothing."""
	if raw is None:
		return ""
	text = str(raw).strip()
	if not text:
		return ""
	head, dash, tail = text.partition("-")
	if dash and not (len(tail) == 4 and tail.isdigit()):
		raise InvalidZipCodeError(f"{raw!r} is not a US ZIP code")
	if len(head) == 9 and head.isdigit() and not dash:
		head = head[:5]
	if len(head) != 5 or not head.isdigit():
		raise InvalidZipCodeError(f"{raw!r} is not a US ZIP code")
	return head


def normalize_zip_list(values: Iterable[str | int | None]) -> list[str]:
	"""Normalise each ZIP, dropping blanks and repeats, keeping the first-seen order."""
	seen: dict[str, None] = {}
	for value in values:
		zip_code = normalize_zip(value)
		if zip_code:
			seen.setdefault(zip_code)
	return list(seen)


def find_zip_conflicts(
	zip_codes: Iterable[str], siblings: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
	"""Which of `zip_codes` a sibling territory already claims: {zip: [sibling, ...]}."""
	claimed_by: dict[str, list[str]] = {}
	for sibling, sibling_zips in siblings.items():
		for zip_code in sibling_zips:
			claimed_by.setdefault(zip_code, []).append(sibling)
	return {zip_code: sorted(claimed_by[zip_code]) for zip_code in zip_codes if zip_code in claimed_by}


@dataclass(frozen=True)
class ZipClaim:
	territory: str
	lft: int  # nested-set left value: a deeper territory has a larger lft than its ancestors


def resolve_territory(claims: Iterable[ZipClaim]) -> str | None:
	"""The most specific territory among those claiming one ZIP (deepest in the tree)."""
	best = max(claims, key=lambda claim: claim.lft, default=None)
	return best.territory if best else None
