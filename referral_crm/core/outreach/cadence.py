"""Outreach cadences and the day's work list: which offices to call, fax, email, mail or visit today.

A cadence says how many touches of each kind an office of a given account stage gets a month
(a Target office: 2 faxes, 1 postcard and 2 calls). An office is due on a channel while this
calendar month holds fewer touches on it than the cadence asks, and the last one is at least
a month / count ago (two calls a month are two weeks apart, not on consecutive days). An office
touched in any way in the last few days waits, and each office appears at most once a day, on
its most overdue channel. Daily caps per person (and per sending fax number) are applied in
priority order: most overdue first, then the offices that refer, then the most referrals.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

CALL, FAX, EMAIL, POSTCARD, VISIT = "call", "fax", "email", "postcard", "visit"
CHANNELS = (CALL, FAX, EMAIL, POSTCARD, VISIT)
NEVER_DAYS = 365  # how overdue a channel never used on the office counts as

# Stages in the order their offices come first when two are equally overdue (keep, then win back, then win).
STAGE_PRIORITY = {"Referring": 0, "Engaged": 1, "Dormant": 2, "Contacted": 3, "Target": 4}


@dataclass(frozen=True, slots=True)
class Cadence:
	calls: int = 0
	faxes: int = 0
	emails: int = 0
	postcards: int = 0
	visits: int = 0

	def per_month(self, channel: str) -> int:
		return {
			CALL: self.calls,
			FAX: self.faxes,
			EMAIL: self.emails,
			POSTCARD: self.postcards,
			VISIT: self.visits,
		}[channel]


DEFAULT_CADENCES = {
	"Target": Cadence(calls=2, faxes=2, postcards=1),
	"Contacted": Cadence(calls=2, faxes=1, emails=1),
	"Engaged": Cadence(calls=2, emails=1, visits=1),
	"Referring": Cadence(calls=1, visits=2),
	"Dormant": Cadence(calls=2, faxes=1),
	"Do Not Contact": Cadence(),
}


@dataclass(frozen=True, slots=True)
class Caps:
	calls: int = 200
	faxes: int = 50
	emails: int = 200
	postcards: int = 200
	visits: int = 8

	def of(self, channel: str) -> int:
		return {
			CALL: self.calls,
			FAX: self.faxes,
			EMAIL: self.emails,
			POSTCARD: self.postcards,
			VISIT: self.visits,
		}[channel]


DEFAULT_CAPS = Caps()


@dataclass(frozen=True, slots=True)
class Office:
	id: str
	stage: str
	has_phone: bool = True
	has_fax: bool = True
	has_email: bool = True
	has_address: bool = True
	total_referrals: int = 0
	desk_work: bool = True  # calls, faxes, emails and postcards are this person's to do
	field_work: bool = True  # visits are this person's to do


@dataclass(frozen=True, slots=True)
class Touch:
	office: str
	channel: str
	on: date


@dataclass(frozen=True, slots=True)
class WorkItem:
	office: str
	channel: str
	days_overdue: int
	done_this_month: int
	per_month: int


@dataclass
class WorkList:
	items: list[WorkItem] = field(default_factory=list)
	held_back: Counter = field(default_factory=Counter)


def _reachable(office: Office, channel: str) -> bool:
	if not (office.field_work if channel == VISIT else office.desk_work):
		return False
	return {
		CALL: office.has_phone,
		FAX: office.has_fax,
		EMAIL: office.has_email,
		POSTCARD: office.has_address,
		VISIT: office.has_address,
	}[channel]


def build_work_list(
	offices: Iterable[Office],
	touches: Iterable[Touch],
	today: date,
	cadences: Mapping[str, Cadence] = DEFAULT_CADENCES,
	caps: Caps = DEFAULT_CAPS,
	rest_days: int = 2,
	used_today: Mapping[str, int] | None = None,
) -> WorkList:
	"""The day's list for one person; `used_today` counts sends already made today per channel."""
	month_start = today.replace(day=1)
	this_month: Counter = Counter()
	last_on: dict[tuple[str, str], date] = {}
	last_any: dict[str, date] = {}
	for t in touches:
		if t.on > today:
			continue
		key = (t.office, t.channel)
		if t.on >= month_start:
			this_month[key] += 1
		if t.on > last_on.get(key, date.min):
			last_on[key] = t.on
		if t.on > last_any.get(t.office, date.min):
			last_any[t.office] = t.on

	due: list[tuple[tuple, WorkItem]] = []
	for office in offices:
		cadence = cadences.get(office.stage)
		if not cadence:
			continue
		if office.id in last_any and (today - last_any[office.id]).days < rest_days:
			continue
		best = None
		for channel in CHANNELS:
			count = cadence.per_month(channel)
			if not count or not _reachable(office, channel):
				continue
			done = this_month[(office.id, channel)]
			if done >= count:
				continue
			last = last_on.get((office.id, channel))
			since = (today - last).days if last else NEVER_DAYS
			if since < max(1, 30 // count):
				continue
			item = WorkItem(office.id, channel, since, done, count)
			if best is None or item.days_overdue > best.days_overdue:
				best = item
		if best:
			order = (
				-best.days_overdue,
				STAGE_PRIORITY.get(office.stage, 9),
				-office.total_referrals,
				office.id,
			)
			due.append((order, best))

	due.sort(key=lambda pair: pair[0])
	used = Counter(used_today or {})
	work = WorkList()
	for _order, item in due:
		if used[item.channel] < caps.of(item.channel):
			work.items.append(item)
			used[item.channel] += 1
		else:
			work.held_back[item.channel] += 1
	return work
