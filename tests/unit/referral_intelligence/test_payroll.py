from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.referral_intelligence.payroll import DEDUCTION, EARNING, payroll_entry

JAN_END = date(2027, 1, 31)


def test_a_positive_month_is_an_earning_in_the_payroll_of_its_approval():
	entry = payroll_entry(Decimal("350.00"), JAN_END, date(2027, 2, 3))
	assert (entry.kind, entry.amount, entry.payroll_date) == (EARNING, Decimal("350.00"), date(2027, 2, 3))


def test_clawbacks_that_outweigh_the_month_are_a_deduction_of_the_difference():
	entry = payroll_entry(Decimal("-120.50"), JAN_END, date(2027, 2, 1))
	assert (entry.kind, entry.amount) == (DEDUCTION, Decimal("120.50"))


def test_a_month_that_nets_to_nothing_pays_nothing():
	assert payroll_entry(Decimal("0"), JAN_END, date(2027, 2, 1)) is None
	assert payroll_entry(0.004, JAN_END, date(2027, 2, 1)) is None


def test_approved_early_it_is_still_paid_at_the_end_of_its_month():
	assert payroll_entry(10, JAN_END, date(2027, 1, 20)).payroll_date == JAN_END


@given(st.decimals(min_value=-10_000, max_value=10_000, places=2))
def test_the_amount_is_never_negative_and_the_sign_picks_the_component(total):
	entry = payroll_entry(total, JAN_END, date(2027, 2, 1))
	if total == 0:
		assert entry is None
	else:
		assert entry.amount == abs(total) > 0
		assert entry.kind == (EARNING if total > 0 else DEDUCTION)
