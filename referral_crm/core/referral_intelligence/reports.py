"""Aggregations behind the reports, over plain rows the reports load with the user's permissions."""

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from referral_crm.core.referrals.referral import ADMITTED_STATUSES, CANCELLED
from referral_crm.core.referrals.rollup import median
from referral_crm.core.weeks import week_start

REACHED_OUTCOMES = frozenset(
	{"Spoke with Provider", "Spoke with Office Staff", "Meeting Scheduled", "Referral Promised"}
)


def percent(part: float, whole: float) -> float | None:
	return round(100 * part / whole, 1) if whole else None


def week_over_week(counts: list[int]) -> tuple[int | None, float | None]:
	"""Change of the last week against the one before: (difference, percent)."""
	if len(counts) < 2:
		return None, None
	before, last = counts[-2], counts[-1]
	return last - before, percent(last - before, before)


@dataclass
class SourceCard:
	hours_to_soc: list[float] = field(default_factory=list)
	non_admit_reasons: Counter = field(default_factory=Counter)

	@property
	def median_hours_to_soc(self) -> float | None:
		value = median(self.hours_to_soc)
		return round(value, 1) if value is not None else None

	def top_reasons(self, limit: int = 3) -> str:
		return ", ".join(f"{reason} ({n})" for reason, n in self.non_admit_reasons.most_common(limit))


def source_card_from_rollup(hours: str | None, reasons: str | None) -> SourceCard:
	"""A source's card from its rollup rows as the database joins them over the weeks (comma-joined
	hours_text and reasons_text of core.referrals.rollup.WeekStats)."""
	card = SourceCard(hours_to_soc=[float(h) for h in (hours or "").split(",") if h])
	for week in json.loads(f"[{reasons}]") if reasons else ():
		card.non_admit_reasons.update(week)
	return card


@dataclass(frozen=True)
class FunnelStep:
	stage: str
	referrals: int
	share_of_received: float | None
	lost: int | None


def funnel(status_counts: Mapping[str, int], accepted: int) -> list[FunnelStep]:
	"""Received -> Accepted -> Admitted -> Discharged; cancelled referrals are left out."""
	received = sum(n for status, n in status_counts.items() if status != CANCELLED)
	admitted = sum(status_counts.get(s, 0) for s in ADMITTED_STATUSES)
	discharged = status_counts.get("Discharged", 0)
	stages = [
		("Received", received),
		("Accepted", max(accepted, admitted)),
		("Admitted", admitted),
		("Discharged", discharged),
	]
	steps = []
	for index, (stage, count) in enumerate(stages):
		lost = stages[index - 1][1] - count if index else None
		steps.append(FunnelStep(stage, count, percent(count, received), lost))
	return steps


def liaison_weeks(
	visits: Iterable[Mapping], referrals: Iterable[Mapping], first_weekday: int, channels: Iterable[str]
) -> list[dict]:
	"""One row per user and week: visits by channel, people reached, referrals their sources sent.

	Each visit or referral may stand for several: with "week" and a count ("visits", "referrals"),
	as the report reads them grouped by the database.
	"""
	channels = list(channels)
	rows: dict[tuple[str, date], dict] = {}

	def row(user: str, when: datetime) -> dict:
		key = (user, week_start(when, first_weekday))
		if key not in rows:
			rows[key] = {
				"user": user,
				"week_start": key[1],
				"visits": 0,
				"reached": 0,
				"referrals": 0,
				"check_ins": 0,
				"verified": 0,
			}
			rows[key].update({channel: 0 for channel in channels})
		return rows[key]

	for visit in visits:
		# a visit, or a count of alike visits in one week ("week", "visits", "check_ins", "verified")
		r = row(visit["user"], visit.get("week") or visit["visit_datetime"])
		n = visit.get("visits", 1)
		r["visits"] += n
		if visit["channel"] in channels:
			r[visit["channel"]] += n
		if visit["outcome"] in REACHED_OUTCOMES:
			r["reached"] += n
		if "check_ins" in visit:
			r["check_ins"] += visit["check_ins"] or 0
			r["verified"] += int(visit.get("verified") or 0)
		elif visit.get("checked_in_at"):
			r["check_ins"] += 1
			r["verified"] += 1 if visit.get("checkin_verified") else 0
	for referral in referrals:
		if referral["status"] != CANCELLED and referral.get("user"):
			row(referral["user"], referral.get("week") or referral["received_at"])["referrals"] += (
				referral.get("referrals", 1)
			)
	for r in rows.values():
		r["reached_share"] = percent(r["reached"], r["visits"])
		r["verified_share"] = percent(r["verified"], r["check_ins"])
	return sorted(rows.values(), key=lambda r: (r["user"], r["week_start"]))
