"""How often the weekly alerts cry wolf, and how often they catch a real change (no site needed).

	python -m referral_crm.benchmarks.alert_power --sources 2500 --weeks 52

Steady sources send Poisson referrals at a rate drawn from 1.5 to 30 a week, and never change: every
alert on them is a false alarm. Changing sources (one in twenty-five) halve or go quiet at a random
week: each is counted as caught when an alert of the right kind fires in the first week, or within
four weeks, of the change. Every week is judged as the Monday job judges it, all sources together.
Results are in docs/benchmarks.md and, in words, on the settings page.
"""

import argparse
import math
import random

from referral_crm.core.referral_intelligence.trend import (
	DROP,
	GONE_QUIET,
	AlertSettings,
	assess_source,
	assess_sources,
)


def poisson(rng: random.Random, rate: float) -> int:
	if rate <= 0:
		return 0
	if rate > 50:
		return max(0, round(rng.gauss(rate, math.sqrt(rate))))
	limit, k, product = math.exp(-rate), 0, rng.random()
	while product > limit:
		k += 1
		product *= rng.random()
	return k


def simulate(sources: int, weeks: int, settings: AlertSettings, seed: int = 2026) -> dict:
	rng = random.Random(seed)
	history = settings.history_weeks
	plans = {}  # source: (rate, kind of change or None, week it starts)
	for i in range(sources):
		rate = rng.uniform(1.5, 30)
		kind = rng.choice(("halve", "quiet")) if i % 25 == 0 else None
		plans[f"S{i}"] = (rate, kind, rng.randrange(history + 1, history + weeks) if kind else None)
	counts = {}
	for source, (rate, kind, start) in plans.items():
		counts[source] = {}
		for week in range(history + weeks):
			factor = 1.0
			if kind and week >= start:
				factor = 0.5 if kind == "halve" else 0.0
			counts[source][week] = poisson(rng, rate * factor)
	false_alarms = alone = steady_weeks = 0
	caught = {"halve": [0, 0, 0], "quiet": [0, 0, 0]}  # first week, within four, changes
	first_alert = {}
	for last in range(history, history + weeks):
		window = list(range(last - history + 1, last + 1))
		found = assess_sources(counts, window, settings)
		for source, (_rate, kind, start) in plans.items():
			changed = kind and last >= start
			if not changed:
				steady_weeks += 1
				false_alarms += source in found
				if not kind:
					alone += bool(assess_source([counts[source][w] for w in window], settings))
			elif source in found and source not in first_alert:
				wanted = GONE_QUIET if kind == "quiet" else DROP
				if found[source].kind in (wanted, DROP):
					first_alert[source] = last - start
	for source, (_rate, kind, start) in plans.items():
		if not kind or start >= history + weeks - 4:
			continue
		caught[kind][2] += 1
		delay = first_alert.get(source)
		if delay is not None:
			caught[kind][0] += delay == 0 or (kind == "quiet" and delay <= settings.quiet_weeks - 1)
			caught[kind][1] += delay <= 3
	return {
		"source-weeks judged on steady sources": steady_weeks,
		"false alarms (all sources held together)": false_alarms,
		"false-alarm share": false_alarms / max(steady_weeks, 1),
		"false alarms a week": false_alarms / weeks,
		"false alarms a week, each source tested alone": alone / weeks,
		"halvings caught in their first week": caught["halve"][0] / max(caught["halve"][2], 1),
		"halvings caught within four weeks": caught["halve"][1] / max(caught["halve"][2], 1),
		"quiet sources caught when the quiet weeks are up": caught["quiet"][0] / max(caught["quiet"][2], 1),
		"quiet sources caught within four weeks": caught["quiet"][1] / max(caught["quiet"][2], 1),
		"changes simulated": caught["halve"][2] + caught["quiet"][2],
	}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--sources", type=int, default=2500)
	parser.add_argument("--weeks", type=int, default=52)
	parser.add_argument("--rate", type=float, default=0.01, help="the False Alarm Rate setting")
	args = parser.parse_args()
	settings = AlertSettings(significance=args.rate)
	for key, value in simulate(args.sources, args.weeks, settings).items():
		print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
	main()
