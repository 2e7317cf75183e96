"""How an approved commission statement is paid through payroll (HRMS Additional Salary)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

EARNING, DEDUCTION = "Earning", "Deduction"


@dataclass(frozen=True)
class PayrollEntry:
	kind: str  # EARNING or DEDUCTION: which salary component of the settings pays it
	amount: Decimal  # never negative: Additional Salary refuses negative amounts
	payroll_date: date


def payroll_entry(total: Decimal | float, period_end: date, approved_on: date) -> PayrollEntry | None:
	"""The statement's net total (clawback lines included) as one payroll line, or None when it nets to zero.

	A month that nets negative is taken back as a deduction. It is paid in the payroll of the day it is
	approved, never before the month it counts has ended.
	"""
	net = Decimal(str(total)).quantize(Decimal("0.01"))
	if net == 0:
		return None
	return PayrollEntry(
		kind=EARNING if net > 0 else DEDUCTION,
		amount=abs(net),
		payroll_date=max(approved_on, period_end),
	)
