"""The liaison in the field: was the check-in at the office, how far was the day's drive, and how much
has each physician been given this year against the Stark limit on non-monetary compensation."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from referral_crm.core.field.routing import ROAD_FACTOR, haversine_miles

METRES_PER_MILE = 1609.344
DEFAULT_RADIUS_METRES = 150
DEFAULT_WARN_SHARE = 0.8

OK, WARN, BLOCK = "ok", "warn", "block"


def check_in_distance(device: tuple[float, float], office: tuple[float, float]) -> float:
	"""Straight-line metres between where the phone was and where the office is."""
	return haversine_miles(device, office) * METRES_PER_MILE


def is_verified(
	device: tuple[float, float], office: tuple[float, float], radius_metres: float = DEFAULT_RADIUS_METRES
) -> tuple[bool, int]:
	"""(verified, metres away): verified when the phone was within the radius of the office."""
	metres = check_in_distance(device, office)
	return metres <= radius_metres, round(metres)


def day_miles(
	start: tuple[float, float] | None,
	stops: Sequence[tuple[float, float]],
	end: tuple[float, float] | None,
	road_factor: float = ROAD_FACTOR,
) -> float:
	"""Miles driven from the start through the stops in order to the end, by the route planner's distance model."""
	points = [p for p in (start, *stops, end) if p is not None]
	return round(sum(haversine_miles(a, b) * road_factor for a, b in pairwise(points)), 1)


@dataclass(frozen=True, slots=True)
class Spend:
	on: date
	amount: float
	providers: tuple[str, ...]  # the physicians who benefited: the amount is shared equally


def yearly_totals(spends: Iterable[Spend], year: int) -> dict[str, float]:
	"""Each provider's share of the year's meals and gifts (a provider at two practices is one provider)."""
	totals: dict[str, float] = defaultdict(float)
	for spend in spends:
		if spend.on.year != year or not spend.providers:
			continue
		share = spend.amount / len(set(spend.providers))
		for provider in set(spend.providers):
			totals[provider] += share
	return {provider: round(total, 2) for provider, total in totals.items()}


def limit_check(
	total_before: float, amount: float, limit: float | None, warn_share: float = DEFAULT_WARN_SHARE
) -> str:
	"""OK, WARN from the warning share of the yearly limit, BLOCK when the amount would pass the limit."""
	if not limit:
		return OK
	after = total_before + amount
	if after > limit + 1e-9:
		return BLOCK
	if after >= limit * warn_share:
		return WARN
	return OK
