from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.commission import (
	ADMITTED,
	CLAWBACK,
	COMMISSION,
	FARMER,
	HUNTER,
	NEW_ACCOUNT_BONUS,
	RECEIVED,
	START_OF_CARE,
	ReferralFacts,
	Rule,
	counts_under,
	statement_lines,
	total,
)

NOV = (date(2026, 11, 1), date(2026, 11, 30))
DEC = (date(2026, 12, 1), date(2026, 12, 31))


def referral(
	name="REF-1",
	status="Admitted",
	received=datetime(2026, 11, 3, 9),
	admitted=datetime(2026, 11, 5, 10),
	**kw,
):
	values = {
		"hunter": "liaison@x",
		"farmer": "coord@x",
		"service_line": "Home Health",
		"start_of_care": admitted,
	}
	values.update(kw)
	return ReferralFacts(name=name, status=status, received_at=received, admitted_at=admitted, **values)


def rule(**kw):
	values = {"name": "HH admitted", "basis": ADMITTED, "amount": Decimal("50")}
	values.update(kw)
	return Rule(**values)


def test_basis_decides_the_day_a_referral_counts():
	r = referral(
		received=datetime(2026, 10, 30, 8),
		admitted=datetime(2026, 11, 2, 8),
		start_of_care=datetime(2026, 11, 4, 8),
	)
	assert counts_under(rule(basis=RECEIVED), r) == date(2026, 10, 30)
	assert counts_under(rule(basis=ADMITTED), r) == date(2026, 11, 2)
	assert counts_under(rule(basis=START_OF_CARE), r) == date(2026, 11, 4)
	assert counts_under(rule(basis=ADMITTED), referral(admitted=None, status="Received")) is None


def test_hunter_and_farmer_split_by_hand():
	lines = statement_lines(
		"liaison@x", *NOV, [rule(hunter_share=Decimal(70), farmer_share=Decimal(30))], [referral()], []
	)
	assert [(l.role, l.kind, l.amount) for l in lines] == [(HUNTER, COMMISSION, Decimal("35.00"))]
	lines = statement_lines(
		"coord@x", *NOV, [rule(hunter_share=Decimal(70), farmer_share=Decimal(30))], [referral()], []
	)
	assert [(l.role, l.amount) for l in lines] == [(FARMER, Decimal("15.00"))]


def test_service_line_validity_and_eligibility_window():
	r = referral(received=datetime(2026, 11, 1, 9), admitted=datetime(2026, 11, 20, 9))
	assert counts_under(rule(service_line="Hospice"), r) is None
	assert counts_under(rule(eligibility_days=7), r) is None
	assert counts_under(rule(eligibility_days=30), r) == date(2026, 11, 20)
	assert counts_under(rule(valid_to=date(2026, 11, 15)), r) is None
	assert counts_under(rule(valid_from=date(2026, 11, 15)), r) == date(2026, 11, 20)


def test_new_account_bonus_goes_to_the_opener_once():
	first = referral(first_from_source=True)
	lines = statement_lines("liaison@x", *NOV, [rule(new_account_bonus=Decimal("100"))], [first], [])
	assert sorted((l.kind, l.amount) for l in lines) == [
		(COMMISSION, Decimal("50.00")),
		(NEW_ACCOUNT_BONUS, Decimal("100.00")),
	]
	again = statement_lines(
		"liaison@x", *DEC, [rule(new_account_bonus=Decimal("100"), basis=RECEIVED)], [first], lines
	)
	assert [l.kind for l in again] == []  # received in November: not December's, and never twice


def test_a_referral_counts_once_per_rule_even_if_regenerated_later():
	r = referral()
	november = statement_lines("liaison@x", *NOV, [rule()], [r], [])
	assert len(november) == 1
	assert statement_lines("liaison@x", *NOV, [rule()], [r], november) == []


def test_cancelled_after_payment_is_clawed_back_next_statement_once():
	paid = statement_lines(
		"liaison@x", *NOV, [rule(basis=RECEIVED)], [referral(status="Accepted", admitted=None)], []
	)
	assert total(paid) == Decimal("50.00")
	cancelled = referral(status="Cancelled", admitted=None)
	december = statement_lines("liaison@x", *DEC, [rule(basis=RECEIVED)], [cancelled], paid)
	assert [(l.kind, l.amount, l.reverses_kind) for l in december] == [
		(CLAWBACK, Decimal("-50.00"), COMMISSION)
	]
	january = statement_lines(
		"liaison@x", date(2027, 1, 1), date(2027, 1, 31), [rule(basis=RECEIVED)], [cancelled], paid + december
	)
	assert january == []


def test_not_admitted_never_counts():
	assert (
		statement_lines(
			"liaison@x", *NOV, [rule(basis=RECEIVED)], [referral(status="Not Admitted", admitted=None)], []
		)
		== []
	)


referral_strategy = st.builds(
	referral,
	name=st.sampled_from(["R1", "R2", "R3", "R4"]),
	status=st.sampled_from(["Received", "Accepted", "Admitted", "Discharged", "Cancelled", "Not Admitted"]),
	received=st.datetimes(min_value=datetime(2026, 10, 1), max_value=datetime(2026, 12, 31)),
	admitted=st.one_of(
		st.none(), st.datetimes(min_value=datetime(2026, 10, 1), max_value=datetime(2026, 12, 31))
	),
	first_from_source=st.booleans(),
)


@given(st.lists(referral_strategy, max_size=6, unique_by=lambda r: r.name))
def test_no_referral_counts_twice_and_lines_sum_to_the_total(referrals):
	rules = [
		rule(),
		rule(name="Any received", basis=RECEIVED, amount=Decimal("10"), new_account_bonus=Decimal("5")),
	]
	earlier: list = []
	for period in (
		(date(2026, 10, 1), date(2026, 10, 31)),
		NOV,
		DEC,
	):
		lines = statement_lines("liaison@x", *period, rules, referrals, earlier)
		assert total(lines) == sum((l.amount for l in lines), Decimal(0))
		earlier += lines
	paid_keys = [l.key for l in earlier if l.kind != CLAWBACK]
	assert len(paid_keys) == len(set(paid_keys))
	clawed = [l.key for l in earlier if l.kind == CLAWBACK]
	assert len(clawed) == len(set(clawed)) and set(clawed) <= set(paid_keys)
