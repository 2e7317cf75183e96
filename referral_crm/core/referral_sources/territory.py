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
	if not text.isascii():  # only ASCII digits are ZIP digits ("１０４５１" is not)
		raise InvalidZipCodeError(f"{raw!r} is not a US ZIP code")
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


def find_zip_conflicts(zip_codes: Iterable[str], others: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
	"""Which of `zip_codes` another territory already claims: {zip: [territory, ...]}. `others` are the
	territories neither above nor below the one being saved (a ZIP may only be claimed again inside)."""
	claimed_by: dict[str, list[str]] = {}
	for other, other_zips in others.items():
		for zip_code in other_zips:
			claimed_by.setdefault(zip_code, []).append(other)
	return {zip_code: sorted(claimed_by[zip_code]) for zip_code in zip_codes if zip_code in claimed_by}


@dataclass(frozen=True)
class ZipClaim:
	territory: str
	lft: int  # the territory's nested-set bounds: a territory inside another lies within its bounds
	rgt: int


def _inside(inner: ZipClaim, outer: ZipClaim) -> bool:
	return outer.lft <= inner.lft and inner.rgt <= outer.rgt


def resolve_territory(claims: Iterable[ZipClaim]) -> str | None:
	"""The most specific of the territories claiming one ZIP: the one inside all the others.

	Claims nest along one chain (New York City > Bronx > Bronx South); claims that do not (two
	territories side by side) are refused when saved, and resolve to no territory rather than to
	whichever sorts last."""
	ordered = sorted(claims, key=lambda claim: (claim.lft, -claim.rgt))
	for outer, inner in zip(ordered, ordered[1:], strict=False):
		if not _inside(inner, outer):
			return None
	return ordered[-1].territory if ordered else None
