"""Ordering a liaison's stops for the day: least driving, fixed appointment times kept.

Distances are straight lines between coordinates (haversine) times a road factor, driven at an
average city speed. A day is small (a liaison sees 5 to 25 offices), so the order is searched
directly rather than handed to a solver:

- up to 12 stops and no fixed times: the exact shortest order (Held-Karp dynamic programming);
- up to 8 stops with fixed times: every order is tried;
- otherwise: cheapest insertion around the fixed appointments, then 2-opt and or-opt moves until
  none improves, from several starts; the figures against the optimum are in docs/benchmarks.md.

A plan never drops a stop: an appointment time that cannot be kept is reported with how late.
"""

import itertools
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

EARTH_RADIUS_MILES = 3958.8
ROAD_FACTOR = 1.3
CITY_MPH = 20
LATE_PENALTY_PER_MINUTE = 1000.0  # a minute late outweighs any detour
EXACT_LIMIT = 12
BRUTE_FORCE_LIMIT = 8
MAX_WAYPOINTS = 9  # Google Maps directions links take at most nine stops between origin and destination


@dataclass(frozen=True, slots=True)
class Stop:
	id: str
	lat: float
	lon: float
	fixed_at: int | None = None  # minutes after midnight of an appointment, if there is one
	service_minutes: int = 20


@dataclass(frozen=True, slots=True)
class PlannedStop:
	id: str
	arrival: int  # minutes after midnight
	miles_from_previous: float
	late_minutes: int


@dataclass(frozen=True, slots=True)
class Plan:
	stops: tuple[PlannedStop, ...]
	total_miles: float
	finish: int  # minutes after midnight when the last stop (or the drive home) ends

	@property
	def late(self) -> tuple[PlannedStop, ...]:
		return tuple(s for s in self.stops if s.late_minutes > 0)


def haversine_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
	lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
	h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
	return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


class _Day:
	def __init__(self, start, stops, start_minute, mph, road_factor, return_to_start):
		self.stops = list(stops)
		points = [start, *((s.lat, s.lon) for s in self.stops)]
		self.miles = [[haversine_miles(p, q) * road_factor for q in points] for p in points]
		self.minutes_per_mile = 60.0 / mph
		self.start_minute = start_minute
		self.back = return_to_start

	def simulate(self, order: Sequence[int]) -> tuple[float, float, list[tuple[int, float, float, float]]]:
		"""(cost, miles, [(stop index, arrival, miles from previous, minutes late)]) for stop indexes 1..n."""
		t, miles, late, here, out = float(self.start_minute), 0.0, 0.0, 0, []
		for i in order:
			leg = self.miles[here][i]
			miles += leg
			t += leg * self.minutes_per_mile
			fixed = self.stops[i - 1].fixed_at
			minutes_late = 0.0
			if fixed is not None:
				if t < fixed:
					t = float(fixed)
				else:
					minutes_late = t - fixed
					late += minutes_late
			out.append((i, t, leg, minutes_late))
			t += self.stops[i - 1].service_minutes
			here = i
		if self.back and order:
			miles += self.miles[here][0]
			t += self.miles[here][0] * self.minutes_per_mile
		self.finish = t
		return miles + LATE_PENALTY_PER_MINUTE * late, miles, out

	def cost(self, order: Sequence[int]) -> float:
		return self.simulate(order)[0]


def _held_karp(day: _Day, n: int) -> list[int]:
	"""The exact shortest open path from the start through stops 1..n (and home, if asked)."""
	d = day.miles
	best: dict[tuple[int, int], tuple[float, int]] = {}
	for k in range(1, n + 1):
		best[(1 << (k - 1), k)] = (d[0][k], 0)
	for size in range(2, n + 1):
		for subset in itertools.combinations(range(1, n + 1), size):
			bits = 0
			for k in subset:
				bits |= 1 << (k - 1)
			for k in subset:
				prev_bits = bits & ~(1 << (k - 1))
				best[(bits, k)] = min((best[(prev_bits, m)][0] + d[m][k], m) for m in subset if m != k)
	full = (1 << n) - 1
	last = min(range(1, n + 1), key=lambda k: best[(full, k)][0] + (d[k][0] if day.back else 0))
	order, bits = [], full
	while last:
		order.append(last)
		bits, last = bits & ~(1 << (last - 1)), best[(bits, last)][1]
	return order[::-1]


def _cheapest_insertion(day: _Day, n: int, rng: random.Random, shuffle: bool) -> list[int]:
	fixed = sorted(
		(i for i in range(1, n + 1) if day.stops[i - 1].fixed_at is not None),
		key=lambda i: day.stops[i - 1].fixed_at,
	)
	free = [i for i in range(1, n + 1) if day.stops[i - 1].fixed_at is None]
	if shuffle:
		rng.shuffle(free)
	else:
		free.sort(key=lambda i: -day.miles[0][i])  # far ones first shape the route
	order = list(fixed)
	for i in free:
		order = min((order[:p] + [i] + order[p:] for p in range(len(order) + 1)), key=day.cost)
	return order


def _improve(day: _Day, order: list[int]) -> list[int]:
	best_cost = day.cost(order)
	improved = True
	while improved:
		improved = False
		n = len(order)
		for i in range(n - 1):  # 2-opt: reverse a stretch
			for j in range(i + 1, n):
				candidate = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
				c = day.cost(candidate)
				if c < best_cost - 1e-9:
					order, best_cost, improved = candidate, c, True
		for length in (1, 2, 3):  # or-opt: move a stretch elsewhere
			for i in range(n - length + 1):
				segment, rest = order[i : i + length], order[:i] + order[i + length :]
				for p in range(len(rest) + 1):
					if p == i:
						continue
					candidate = rest[:p] + segment + rest[p:]
					c = day.cost(candidate)
					if c < best_cost - 1e-9:
						order, best_cost, improved = candidate, c, True
						break
	return order


def plan_route(
	start: tuple[float, float],
	stops: Sequence[Stop],
	start_minute: int = 8 * 60 + 30,
	mph: float = CITY_MPH,
	road_factor: float = ROAD_FACTOR,
	return_to_start: bool = False,
	restarts: int = 8,
	seed: int = 7,
) -> Plan:
	day = _Day(start, stops, start_minute, mph, road_factor, return_to_start)
	n = len(day.stops)
	has_fixed = any(s.fixed_at is not None for s in day.stops)
	if n <= 1:
		order = list(range(1, n + 1))
	elif not has_fixed and n <= EXACT_LIMIT:
		order = _held_karp(day, n)
	elif n <= BRUTE_FORCE_LIMIT:
		order = list(min(itertools.permutations(range(1, n + 1)), key=day.cost))
	else:
		rng = random.Random(seed)
		candidates = [_improve(day, _cheapest_insertion(day, n, rng, shuffle=k > 0)) for k in range(restarts)]
		order = min(candidates, key=day.cost)
	_cost, miles, visits = day.simulate(order)
	planned = tuple(
		PlannedStop(
			day.stops[i - 1].id, round(arrival), round(leg, 2), math.ceil(late - 1e-9) if late > 0 else 0
		)
		for i, arrival, leg, late in visits
	)
	return Plan(planned, round(miles, 2), round(day.finish))


def route_miles(
	start: tuple[float, float], stops: Sequence[Stop], order: Sequence[str], road_factor: float = ROAD_FACTOR
) -> float:
	"""Miles of driving for stops visited in the given order (for comparing orders)."""
	by_id = {s.id: (s.lat, s.lon) for s in stops}
	points = [start, *(by_id[i] for i in order)]
	return sum(haversine_miles(a, b) * road_factor for a, b in itertools.pairwise(points))


def directions_urls(
	start: tuple[float, float], points: Sequence[tuple[float, float]], return_to_start: bool = False
) -> list[str]:
	"""Google Maps directions links that open in the phone's maps app; a long day is split into legs."""
	points = [*points, start] if return_to_start else list(points)
	if not points:
		return []

	def where(p):
		return f"{p[0]:.6f},{p[1]:.6f}"

	urls, origin = [], start
	for first in range(0, len(points), MAX_WAYPOINTS + 1):
		chunk = points[first : first + MAX_WAYPOINTS + 1]
		params = {
			"api": "1",
			"origin": where(origin),
			"destination": where(chunk[-1]),
			"travelmode": "driving",
		}
		if len(chunk) > 1:
			params["waypoints"] = "|".join(where(p) for p in chunk[:-1])
		urls.append("https://www.google.com/maps/dir/?" + urlencode(params, safe=",|"))
		origin = chunk[-1]
	return urls


_CLOCK = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*([ap])?\.?\s*m?\.?\s*$", re.I)


def parse_clock(text: str | None) -> int | None:
	"""Minutes after midnight of "9:15", "09:15", "2:30 pm" or "14:30"; None for nothing. ValueError otherwise."""
	if not text or not str(text).strip():
		return None
	match = _CLOCK.match(str(text))
	if not match:
		raise ValueError(f"{text!r} is not a time of day")
	hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
	if half == "p" and hour < 12:
		hour += 12
	elif half == "a" and hour == 12:
		hour = 0
	if hour > 23 or minute > 59 or (half and int(match.group(1)) > 12):
		raise ValueError(f"{text!r} is not a time of day")
	return hour * 60 + minute


def format_clock(total_minutes: int) -> str:
	total_minutes %= 24 * 60
	return f"{total_minutes // 60:02d}:{total_minutes % 60:02d}"
