"""Likely duplicate Providers and Practices: one NPI twice, or a similar name at the same number or address.

Pairs are only compared within a block (same NPI, phone, fax, street address, or the same first
name word in the same three-digit ZIP area), so fifty thousand practices are not fifty thousand
squared comparisons. Two records carrying two different NPIs are two different entities, however
alike their names: NPPES gives each entity one NPI.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from referral_crm.core.referral_sources.matching import normalize_name
from referral_crm.core.referral_sources.offices import address_key

DEFAULT_THRESHOLD = 80
MAX_BLOCK = 200  # a number shared by more records than this is a switchboard, not evidence

_LEGAL_FORMS = re.compile(r"\b(pllc|llc|llp|lp|pc|p c|pa|inc|corp|corporation|co|ltd|group|the)\b")


@dataclass(frozen=True, slots=True)
class Candidate:
	id: str
	name: str
	npi: str = ""
	phone: str = ""
	fax: str = ""
	address_line1: str = ""
	zip_code: str = ""
	other_names: tuple[str, ...] = ()  # what else the office is called (NPPES's Other Name file)


@dataclass(frozen=True, slots=True)
class DuplicatePair:
	a: str
	b: str
	score: int
	reasons: tuple[str, ...]


def comparable_name(name: str) -> str:
	"""Name words without titles, credentials or legal forms: "Bronx Primary Care, PLLC" -> "bronx primary care"."""
	return " ".join(_LEGAL_FORMS.sub(" ", normalize_name(name)).split())


def _blocks(records: list[Candidate], names: list[tuple[str, ...]]) -> Iterable[list[int]]:
	keys: dict[tuple, list[int]] = defaultdict(list)
	for i, r in enumerate(records):
		if r.npi:
			keys[("npi", r.npi)].append(i)
		if r.phone:
			keys[("phone", r.phone)].append(i)
		if r.fax:
			keys[("fax", r.fax)].append(i)
		if street := address_key(r.zip_code, r.address_line1):
			keys[("address", street)].append(i)
		if r.zip_code:
			for first_word in {name.split()[0] for name in names[i] if name}:
				keys[("name", r.zip_code[:3], first_word)].append(i)
	for members in keys.values():
		if 1 < len(members) <= MAX_BLOCK:
			yield members


def all_names(candidate: Candidate) -> tuple[str, ...]:
	"""The comparable forms of a record's name and its other names, the name first."""
	return tuple(dict.fromkeys(comparable_name(n) for n in (candidate.name, *candidate.other_names)))


def score_pair(
	a: Candidate, b: Candidate, names_a: tuple[str, ...] | str, names_b: tuple[str, ...] | str
) -> tuple[int, tuple[str, ...]]:
	"""0..100 and the reasons a person reads; 0 for two records with different NPIs.

	Names are compared each with each (a practice's name with the other's "doing business as" name):
	the closest pair counts."""
	if a.npi and b.npi:
		return (100, ("same NPI",)) if a.npi == b.npi else (0, ())
	names_a = (names_a,) if isinstance(names_a, str) else names_a
	names_b = (names_b,) if isinstance(names_b, str) else names_b
	similarity = max(
		(round(fuzz.token_sort_ratio(x, y)) for x in names_a if x for y in names_b if y), default=0
	)
	reasons = []
	if a.phone and a.phone == b.phone:
		reasons.append("same phone")
	if a.fax and a.fax == b.fax:
		reasons.append("same fax")
	street = address_key(a.zip_code, a.address_line1)
	if street and street == address_key(b.zip_code, b.address_line1):
		reasons.append("same address")
	names = f"names {similarity}% alike"
	if reasons:
		return min(100, round(50 + similarity / 2 + 5 * (len(reasons) - 1))), (names, *reasons)
	return round(similarity * 0.7), (names,)


def find_duplicate_pairs(
	records: Iterable[Candidate], threshold: int = DEFAULT_THRESHOLD
) -> list[DuplicatePair]:
	"""Pairs scoring at least `threshold`, best first, each pair once with a < b."""
	records = list(records)
	names = [all_names(r) for r in records]
	seen: set[tuple[int, int]] = set()
	pairs = []
	for members in _blocks(records, names):
		for x, i in enumerate(members):
			for j in members[x + 1 :]:
				if (i, j) in seen:  # blocks list their members in ascending order, so i < j
					continue
				seen.add((i, j))
				score, reasons = score_pair(records[i], records[j], names[i], names[j])
				if score >= threshold:
					a, b = sorted((records[i].id, records[j].id))
					pairs.append(DuplicatePair(a, b, score, reasons))
	pairs.sort(key=lambda p: (-p.score, p.a, p.b))
	return pairs
