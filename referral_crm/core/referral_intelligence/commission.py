"""Commission rules: which referrals count for whom, for how much, and what is taken back.

"When does a referral count? ... This distinction is critical for commission
structures" (seed 003): each rule names its basis. Money is never paid twice or lost:

- a referral is paid at most once per rule, role and kind, across every person and statement: what
  earlier statements paid, net of what they took back, is what is outstanding;
- it is paid in the statement of the month its condition is met (admitted within N days: the month
  of the admission), or the first statement after, when it was entered or changed late;
- a paid referral that ends Cancelled or Not Admitted, or whose credit moves to another person, is
  taken back by a clawback line on the holder's next statement; reinstated, or credited to the new
  person, it is paid again once nothing is outstanding on it;
- rules add up: two rules that both match a referral (a base rate and a hospice bonus) each pay it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

RECEIVED = "Referral Received"
ADMITTED = "Referral Admitted"
START_OF_CARE = "Start of Care"
BASES = (RECEIVED, ADMITTED, START_OF_CARE)

HUNTER = "Hunter"
FARMER = "Farmer"

COMMISSION = "Commission"
NEW_ACCOUNT_BONUS = "New Account Bonus"
CLAWBACK = "Clawback"

REVERSING_STATUSES = frozenset({"Cancelled", "Not Admitted"})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
	name: str
	basis: str
	amount: Decimal
	service_line: str | None = None
	new_account_bonus: Decimal = Decimal(0)
	hunter_share: Decimal = Decimal(100)  # percent of the amount paid to the opener (liaison)
	farmer_share: Decimal = Decimal(0)  # percent paid to the coordinator who grows the account
	eligibility_days: int = 0  # counted only if admitted within this many days of receipt; 0 = no limit
	valid_from: date | None = None
	valid_to: date | None = None


@dataclass(frozen=True)
class ReferralFacts:
	name: str
	status: str
	received_at: datetime
	admitted_at: datetime | None = None
	start_of_care: datetime | None = None
	service_line: str | None = None
	hunter: str | None = None
	farmer: str | None = None
	first_from_source: bool = False


@dataclass(frozen=True)
class Line:
	referral: str
	rule: str
	role: str
	kind: str
	basis_date: date
	amount: Decimal
	reverses_kind: str | None = None  # on a clawback: the kind of line it takes back
	user: str = ""  # whose statement the line is on (earlier lines of everyone are read)

	@property
	def key(self) -> tuple[str, str, str, str]:
		return (self.referral, self.rule, self.role, self.reverses_kind or self.kind)


def _day(value: date | datetime | None) -> date | None:
	return value.date() if isinstance(value, datetime) else value


def basis_date(rule: Rule, referral: ReferralFacts) -> date | None:
	if rule.basis == RECEIVED:
		return _day(referral.received_at)
	if rule.basis == ADMITTED:
		return _day(referral.admitted_at)
	if rule.basis == START_OF_CARE:
		return _day(referral.start_of_care)
	raise ValueError(f"unknown commission basis {rule.basis!r}")


def counts_under(rule: Rule, referral: ReferralFacts) -> date | None:
	"""The day the referral counts under the rule, or None if it does not count: its basis day, or the
	admission day when the rule asks for an admission within N days and that came later."""
	if referral.status in REVERSING_STATUSES:
		return None
	if rule.service_line and rule.service_line != referral.service_line:
		return None
	day = basis_date(rule, referral)
	if day is None:
		return None
	if (rule.valid_from and day < rule.valid_from) or (rule.valid_to and day > rule.valid_to):
		return None
	if rule.eligibility_days:
		if not referral.admitted_at:
			return None
		if (_day(referral.admitted_at) - _day(referral.received_at)).days > rule.eligibility_days:
			return None
		return max(day, _day(referral.admitted_at))  # the condition is met when the patient is admitted
	return day


def _money(value: Decimal) -> Decimal:
	return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def statement_lines(
	user: str,
	period_start: date,
	period_end: date,
	rules: Sequence[Rule],
	referrals: Iterable[ReferralFacts],
	earlier_lines: Iterable[Line],
) -> list[Line]:
	"""Lines of `user`'s statement for the period.

	`earlier_lines` are the lines of everyone's statements of earlier periods on these referrals
	(`Line.user` says whose; a line without one is taken as `user`'s): what is outstanding on each
	referral, rule, role and kind, and with whom.
	"""
	earlier = [line if line.user else _with_user(line, user) for line in earlier_lines]
	referrals = list(referrals)
	outstanding: dict[tuple, Decimal] = defaultdict(Decimal)  # key: net paid, whoever holds it
	held: dict[tuple, Decimal] = defaultdict(Decimal)  # key: net paid to `user`
	for line in earlier:
		outstanding[line.key] += line.amount
		if line.user == user:
			held[line.key] += line.amount
	facts = {r.name: r for r in referrals}
	rule_of = {r.name: r for r in rules}
	lines: list[Line] = []

	def pay(line: Line) -> None:
		if outstanding[line.key] <= 0:
			lines.append(line)
			outstanding[line.key] += line.amount

	for referral in referrals:
		for rule in rules:
			day = counts_under(rule, referral)
			if day is None or day > period_end:
				continue
			shares = (
				(HUNTER, referral.hunter, rule.hunter_share),
				(FARMER, referral.farmer, rule.farmer_share),
			)
			for role, holder, share in shares:
				if holder == user and share:
					pay(
						Line(
							referral.name,
							rule.name,
							role,
							COMMISSION,
							day,
							_money(rule.amount * share / 100),
							user=user,
						)
					)
			if referral.first_from_source and referral.hunter == user and rule.new_account_bonus:
				pay(
					Line(
						referral.name,
						rule.name,
						HUNTER,
						NEW_ACCOUNT_BONUS,
						day,
						_money(rule.new_account_bonus),
						user=user,
					)
				)

	for key, amount in held.items():
		referral_name, rule_name, role, kind = key
		referral, rule = facts.get(referral_name), rule_of.get(rule_name)
		if amount <= 0 or referral is None or rule is None:
			continue  # nothing held, or a rule switched off: what it paid stays paid
		still_counts = counts_under(rule, referral) is not None
		holder = referral.hunter if role == HUNTER else referral.farmer
		if still_counts and holder == user:
			continue
		lines.append(
			Line(referral_name, rule_name, role, CLAWBACK, period_end, -amount, reverses_kind=kind, user=user)
		)
	return lines


def _with_user(line: Line, user: str) -> Line:
	return Line(
		line.referral, line.rule, line.role, line.kind, line.basis_date, line.amount, line.reverses_kind, user
	)


def total(lines: Iterable[Line]) -> Decimal:
	return _money(sum((line.amount for line in lines), Decimal(0)))
