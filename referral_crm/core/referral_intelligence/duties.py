"""Each person's day as one list of duties, the most urgent first."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

# Within the same day, what comes first: promises to offices already late, then money and patients.
KIND_RANK = {
	"visit_note": 0,
	"review": 1,
	"alert": 2,
	"partner_issue": 3,
	"thank": 4,
	"follow_up": 5,
	"call": 6,
	"stop": 7,
	"overdue": 8,
	"activity": 9,
}


@dataclass(frozen=True)
class Duty:
	kind: str
	title: str
	detail: str = ""
	due: date | None = None
	route: tuple[str, ...] = ()
	action: str = ""
	extra: dict = field(default_factory=dict, compare=False, hash=False)

	def days_overdue(self, today: date) -> int:
		return (today - self.due).days if self.due else 0


def order_duties(duties: Iterable[Duty], today: date) -> list[Duty]:
	"""Overdue first (the longest overdue first), then due today, then the rest; by kind within each."""

	def key(duty: Duty):
		if duty.kind not in KIND_RANK:
			raise ValueError(f"unknown kind of duty {duty.kind!r}")
		if duty.due is None:
			band, age = 2, 0
		elif duty.due < today:
			band, age = 0, -duty.days_overdue(today)
		elif duty.due == today:
			band, age = 1, 0
		else:
			band, age = 3, (duty.due - today).days
		return band, age, KIND_RANK[duty.kind], duty.title

	return sorted(duties, key=key)
