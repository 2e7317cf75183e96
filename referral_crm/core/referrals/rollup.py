"""Weekly figures per referral source: what the rollup table holds and the reports read."""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from referral_crm.core.referrals.referral import ADMITTED_STATUSES, CANCELLED, NOT_ADMITTED
from referral_crm.core.weeks import week_start

PRACTICE = "Practice"
PROVIDER = "Provider"


@dataclass(frozen=True)
class ReferralRow:
	practice: str | None
	provider: str | None
	received_at: datetime
	status: str
	start_of_care: datetime | None = None
	visit_note_sent_at: datetime | None = None
	non_admit_reason: str | None = None


@dataclass
class WeekStats:
	received: int = 0  # referrals received this week
	admitted: int = 0  # admissions whose start of care fell this week
	admitted_of_received: int = 0  # of this week's referrals, how many were admitted (conversion)
	hours_to_soc: list[float] = field(default_factory=list)  # receipt -> start of care, this week's referrals
	notes_due: int = 0  # visit notes whose promised time has passed (or that went out), by start-of-care week
	notes_on_time: int = 0
	non_admit_reasons: Counter = field(default_factory=Counter)  # of this week's referrals not admitted

	@property
	def median_hours_to_soc(self) -> float | None:
		return median(self.hours_to_soc)

	def hours_text(self) -> str | None:
		"""The hours as the rollup keeps them, so that a median over many weeks can be taken:
		"12.500,30.250"; the database joins weeks with the same comma."""
		return ",".join(f"{h:.3f}" for h in sorted(self.hours_to_soc)) or None

	def reasons_text(self) -> str | None:
		"""The non-admit reasons counted, as a JSON object; weeks joined by commas make a JSON array's body."""
		return (
			json.dumps(dict(sorted(self.non_admit_reasons.items())), separators=(",", ":"))
			if self.non_admit_reasons
			else None
		)


def weekly_rollup(
	rows: Iterable[ReferralRow], first_weekday: int, note_sla_hours: float, now: datetime
) -> dict[tuple[str, str, date], WeekStats]:
	"""{(source type, source, week start): WeekStats}; cancelled referrals do not count."""
	out: dict[tuple[str, str, date], WeekStats] = {}
	sla = timedelta(hours=note_sla_hours)

	def stats(source_type, source, day) -> WeekStats:
		key = (source_type, source, week_start(day, first_weekday))
		if key not in out:
			out[key] = WeekStats()
		return out[key]

	for row in rows:
		if row.status == CANCELLED:
			continue
		admitted = row.status in ADMITTED_STATUSES and row.start_of_care is not None
		for source_type, source in ((PRACTICE, row.practice), (PROVIDER, row.provider)):
			if not source:
				continue
			received = stats(source_type, source, row.received_at)
			received.received += 1
			if row.status == NOT_ADMITTED:
				received.non_admit_reasons[row.non_admit_reason or "Other"] += 1
			if not admitted:
				continue
			received.admitted_of_received += 1
			received.hours_to_soc.append((row.start_of_care - row.received_at).total_seconds() / 3600)
			care = stats(source_type, source, row.start_of_care)
			care.admitted += 1
			due_at = row.start_of_care + sla
			if row.visit_note_sent_at or now > due_at:
				care.notes_due += 1
				if row.visit_note_sent_at and row.visit_note_sent_at <= due_at:
					care.notes_on_time += 1
	return out


def median(values: Iterable[float]) -> float | None:
	ordered = sorted(values)
	if not ordered:
		return None
	middle = len(ordered) // 2
	return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
