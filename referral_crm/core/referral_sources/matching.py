"""Finding the referring provider a contact centre, fax or EHR names: by NPI, else by name and number."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

_TITLES = re.compile(r"\b(dr|doctor|md|do|np|pa|pa-c|fnp|rn|mr|mrs|ms|phd|facp|jr|sr|ii|iii)\b\.?")
MATCH_THRESHOLD = 0.9


def normalize_name(name: str | None) -> str:
	"""Lower case, no accents, titles, credentials or punctuation: "Dr. José  Núñez, MD" -> "jose nunez"."""
	text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
	text = _TITLES.sub(" ", re.sub(r"[^\w\s-]", " ", text))
	return " ".join(text.replace("-", " ").split())


def name_similarity(a: str | None, b: str | None) -> float:
	left, right = normalize_name(a), normalize_name(b)
	if not left or not right:
		return 0.0
	if sorted(left.split()) == sorted(right.split()):
		return 1.0  # "Rivera Ana" is "Ana Rivera"
	return SequenceMatcher(None, left, right).ratio()


@dataclass(frozen=True)
class Match:
	name: str
	score: float


def best_match(
	full_name: str | None,
	phones: Iterable[str],
	candidates: Iterable[Mapping],
	threshold: float = MATCH_THRESHOLD,
) -> Match | None:
	"""The candidate (name, provider_name, phone, fax) most like the one asked for, if like enough.

	A shared phone or fax number adds 0.1 to the name score, so "A. Rivera" at the office's fax
	number matches where the name alone would not.
	"""
	wanted = {p for p in phones if p}
	best = None
	for candidate in candidates:
		score = name_similarity(full_name, candidate.get("provider_name"))
		if wanted & {candidate.get("phone"), candidate.get("fax")}:
			score += 0.1
		if score >= threshold and (best is None or score > best.score):
			best = Match(candidate["name"], round(min(score, 1.0), 3))
	return best
