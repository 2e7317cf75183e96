"""Likely duplicate Providers and Practices: one NPI twice, or a similar name at the same number or address.

Pairs are only compared within a block (same NPI, phone, fax, street address, or the same first
name word in the same three-digit ZIP area), so fifty thousand practices are not fifty thousand
squared comparisons. Two records carrying two different NPIs are two different entities, however
alike their names: NPPES gives each entity one NPI.
"""

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from referral_crm.core.referral_sources.matching import normalize_name
from referral_crm.core.referral_sources.offices import address_key

DEFAULT_THRESHOLD = 80
MAX_BLOCK = 200  # a number shared by more records than this is a switchboard, not evidence
MAX_KEY_LENGTH = 140

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


def block_keys(candidate: Candidate, names: tuple[str, ...] | None = None) -> set[str]:
	"""The blocks a record is compared within, each as one text key (what the site's index stores)."""
	names = all_names(candidate) if names is None else names
	keys = set()
	if candidate.npi:
		keys.add(f"npi:{candidate.npi}")
	if candidate.phone:
		keys.add(f"phone:{candidate.phone}")
	if candidate.fax:
		keys.add(f"fax:{candidate.fax}")
	if street := address_key(candidate.zip_code, candidate.address_line1):
		keys.add(f"address:{street}")
	if candidate.zip_code:
		for first_word in {name.split()[0] for name in names if name}:
			keys.add(f"name:{candidate.zip_code[:3]}:{first_word}")
	return {key[:MAX_KEY_LENGTH] for key in keys}


def _blocks(
	records: list[Candidate], names: list[tuple[str, ...]], crowded: Collection[str]
) -> Iterable[list[int]]:
	keys: dict[str, list[int]] = defaultdict(list)
	for i, r in enumerate(records):
		for key in block_keys(r, names[i]):
			keys[key].append(i)
	for key, members in keys.items():
		if 1 < len(members) <= MAX_BLOCK and key not in crowded:
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
	records: Iterable[Candidate],
	threshold: int = DEFAULT_THRESHOLD,
	involving: Collection[str] | None = None,
	crowded: Collection[str] = (),
) -> list[DuplicatePair]:
	"""Pairs scoring at least `threshold`, best first, each pair once with a < b.

	`involving`: only pairs with one of these records (the others being the records that share a
	block with them). `crowded`: keys held by more than MAX_BLOCK records on the whole site, which
	a part of the site cannot tell by counting."""
	records = list(records)
	names = [all_names(r) for r in records]
	wanted = None if involving is None else {i for i, r in enumerate(records) if r.id in involving}
	seen: set[tuple[int, int]] = set()
	pairs = []
	for members in _blocks(records, names, crowded):
		for x, i in enumerate(members):
			for j in members[x + 1 :]:
				if (i, j) in seen:  # blocks list their members in ascending order, so i < j
					continue
				seen.add((i, j))
				if wanted is not None and i not in wanted and j not in wanted:
					continue
				score, reasons = score_pair(records[i], records[j], names[i], names[j])
				if score >= threshold:
					a, b = sorted((records[i].id, records[j].id))
					pairs.append(DuplicatePair(a, b, score, reasons))
	pairs.sort(key=lambda p: (-p.score, p.a, p.b))
	return pairs
