"""Benchmark of route planning: how close the order is to the shortest one, and how long it takes.

	python -m referral_crm.benchmarks.routing

Days of 10, 15 and 25 stops scattered over a 10-mile square of the Bronx and upper Manhattan,
no fixed appointments. For 10 and 15 stops the heuristic (the planner's path for days it cannot
solve exactly) is compared with the exact optimum (Held-Karp); 25 stops are beyond an exact
answer here, so the comparison is with the best of 64 extra random restarts. Results are in
docs/benchmarks.md.
"""

import random
import statistics
import time

from referral_crm.core.field import routing
from referral_crm.core.field.routing import Stop

START = (40.8176, -73.9182)


def day(n: int, seed: int) -> list[Stop]:
	rng = random.Random(seed)
	return [
		Stop(f"S{i}", START[0] + rng.uniform(-0.07, 0.07), START[1] + rng.uniform(-0.07, 0.07))
		for i in range(n)
	]


def heuristic(d, n, restarts=8, seed=7):
	rng = random.Random(seed)
	return min(
		(routing._improve(d, routing._cheapest_insertion(d, n, rng, shuffle=k > 0)) for k in range(restarts)),
		key=d.cost,
	)


def measure(n: int, days: int, exact: bool) -> dict:
	gaps, times = [], []
	for seed in range(days):
		stops = day(n, seed)
		d = routing._Day(START, stops, 510, routing.CITY_MPH, routing.ROAD_FACTOR, False)
		started = time.perf_counter()
		order = heuristic(d, n)
		times.append(time.perf_counter() - started)
		found = d.simulate(order)[1]
		if exact:
			best = d.simulate(routing._held_karp(d, n))[1]
		else:
			best = min(found, d.simulate(heuristic(d, n, restarts=64, seed=seed + 1000))[1])
		gaps.append(100 * (found - best) / best)
	return {
		"stops": n,
		"days": days,
		"compared_with": "exact optimum" if exact else "best of 64 more restarts",
		"mean_gap_pct": round(statistics.mean(gaps), 2),
		"worst_gap_pct": round(max(gaps), 2),
		"optimal_days": sum(1 for g in gaps if g < 1e-6),
		"median_ms": round(1000 * statistics.median(times), 1),
		"p95_ms": round(1000 * sorted(times)[int(0.95 * (len(times) - 1))], 1),
	}


if __name__ == "__main__":
	for n, days, exact in ((10, 50, True), (15, 20, True), (25, 30, False)):
		print(measure(n, days, exact), flush=True)
