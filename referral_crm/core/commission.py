"""Commission rules: which referrals count for whom, for how much, and what is taken back.

"When does a referral count? ... This distinction is critical for commission
structures" (seed 003): each rule names its basis. A referral counts at most
once per rule and role; a counted referral that later ends Cancelled or Not
Admitted is reversed by a clawback line in the next statement.
"""

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
	"""The day the referral counts under the rule, or None if it does not count."""
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

	`earlier_lines` are the user's lines on statements of earlier periods: what was
	already paid (never paid twice) and what may need taking back.
	"""
	earlier = list(earlier_lines)
	referrals = list(referrals)
	paid = {line.key for line in earlier if line.kind != CLAWBACK}
	reversed_keys = {line.key for line in earlier if line.kind == CLAWBACK}
	status_of = {r.name: r.status for r in referrals}
	lines: list[Line] = []

	for referral in referrals:
		for rule in rules:
			day = counts_under(rule, referral)
			if day is None or not (period_start <= day <= period_end):
				continue
			shares = (
				(HUNTER, referral.hunter, rule.hunter_share),
				(FARMER, referral.farmer, rule.farmer_share),
			)
			for role, holder, share in shares:
				if holder == user and share:
					line = Line(
						referral.name, rule.name, role, COMMISSION, day, _money(rule.amount * share / 100)
					)
					if line.key not in paid:
						lines.append(line)
			if referral.first_from_source and referral.hunter == user and rule.new_account_bonus:
				bonus = Line(
					referral.name, rule.name, HUNTER, NEW_ACCOUNT_BONUS, day, _money(rule.new_account_bonus)
				)
				if bonus.key not in paid:
					lines.append(bonus)

	for line in earlier:
		if line.kind == CLAWBACK or line.key in reversed_keys:
			continue
		if status_of.get(line.referral) in REVERSING_STATUSES:
			lines.append(
				Line(
					line.referral,
					line.rule,
					line.role,
					CLAWBACK,
					period_end,
					-line.amount,
					reverses_kind=line.kind,
				)
			)
			reversed_keys.add(line.key)
	return lines


def total(lines: Iterable[Line]) -> Decimal:
	return _money(sum((line.amount for line in lines), Decimal(0)))
