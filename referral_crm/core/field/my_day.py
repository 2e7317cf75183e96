"""The liaison's day, built by itself each morning: which offices, why each, and what rolls to tomorrow."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MEETING = "Meeting"
CARRIED_OVER = "Carried over"
FOLLOW_UP = "Follow-up due"
WORK_LIST = "Work list"
# The more pressing reason wins when one office is on the day for several.
PRIORITY = {MEETING: 0, CARRIED_OVER: 1, FOLLOW_UP: 2, WORK_LIST: 3}
MAX_STOPS = 8


@dataclass(frozen=True, slots=True)
class Candidate:
	practice: str
	reason: str  # one of PRIORITY
	detail: str = ""
	appointment_time: str | None = None  # "HH:MM" of a booked meeting


def choose_stops(
	candidates: Iterable[Candidate], max_stops: int = MAX_STOPS
) -> tuple[list[Candidate], list[Candidate]]:
	"""One stop per office under its most pressing reason, most pressing first; (today, rolled over).

	Meetings are always kept, even past `max_stops`: they were promised to the office."""
	best: dict[str, Candidate] = {}
	for candidate in candidates:
		if candidate.reason not in PRIORITY:
			raise ValueError(f"unknown reason {candidate.reason!r}")
		kept = best.get(candidate.practice)
		if kept is None or _rank(candidate) < _rank(kept):
			best[candidate.practice] = candidate
	ordered = sorted(best.values(), key=lambda c: (*_rank(c), c.practice))
	meetings = [c for c in ordered if c.reason == MEETING]
	others = [c for c in ordered if c.reason != MEETING]
	room = max(max_stops - len(meetings), 0)
	return meetings + others[:room], others[room:]


def _rank(candidate: Candidate) -> tuple[int, str]:
	return PRIORITY[candidate.reason], candidate.appointment_time or "99:99"


def past_day_end(arrivals: Sequence[tuple[str, int]], fixed: set[str], day_end_minute: int) -> list[str]:
	"""The offices reached after the working day ends (arrival minutes after midnight), meetings excepted."""
	return [practice for practice, arrival in arrivals if arrival > day_end_minute and practice not in fixed]
