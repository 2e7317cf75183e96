from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from referral_crm.core.referral_intelligence.commission import (
	ADMITTED,
	CLAWBACK,
	COMMISSION,
	FARMER,
	HUNTER,
	NEW_ACCOUNT_BONUS,
	RECEIVED,
	START_OF_CARE,
	Line,
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


JAN = (date(2027, 1, 1), date(2027, 1, 31))
FEB = (date(2027, 2, 1), date(2027, 2, 28))


def test_admitted_within_n_days_pays_in_the_month_the_admission_came():
	"""Received on 28 January, admitted on 3 February: January's statement cannot know, February's pays."""
	r = referral(received=datetime(2027, 1, 28, 9), admitted=datetime(2027, 2, 3, 9))
	received_rule = [rule(basis=RECEIVED, eligibility_days=14)]
	january = statement_lines(
		"liaison@x",
		*JAN,
		received_rule,
		[referral(received=r.received_at, admitted=None, status="Accepted")],
		[],
	)
	assert january == []
	february = statement_lines("liaison@x", *FEB, received_rule, [r], january)
	assert [(l.kind, l.basis_date, l.amount) for l in february] == [
		(COMMISSION, date(2027, 2, 3), Decimal("50.00"))
	]
	assert (
		statement_lines("liaison@x", date(2027, 3, 1), date(2027, 3, 31), received_rule, [r], february) == []
	)


def test_two_rules_that_match_both_pay():
	"""Rules add up by design: a base rate and a service-line bonus are two rules."""
	rules = [rule(), rule(name="Hospice bonus", service_line="Home Health", amount=Decimal("20"))]
	assert total(statement_lines("liaison@x", *NOV, rules, [referral()], [])) == Decimal("70.00")


def test_a_reinstated_referral_is_paid_again_once():
	rules = [rule()]
	nov = statement_lines("liaison@x", *NOV, rules, [referral()], [])
	dec = statement_lines("liaison@x", *DEC, rules, [referral(status="Cancelled")], nov)
	assert total(dec) == Decimal("-50.00")
	jan = statement_lines("liaison@x", *JAN, rules, [referral(status="Admitted")], nov + dec)
	assert total(jan) == Decimal("50.00"), "back to admitted: paid again"
	feb = statement_lines("liaison@x", *FEB, rules, [referral(status="Admitted")], nov + dec + jan)
	assert feb == []
	assert total(nov + dec + jan + feb) == Decimal("50.00")


def test_credit_moved_to_another_person_after_approval_moves_the_money_not_doubles_it():
	rules = [rule()]
	paid_a = statement_lines("a@x", *NOV, rules, [referral(hunter="a@x")], [])
	moved = referral(hunter="b@x")
	assert statement_lines("b@x", *DEC, rules, [moved], paid_a) == [], "still held by A"
	taken_back = statement_lines("a@x", *DEC, rules, [moved], paid_a)
	assert total(taken_back) == Decimal("-50.00")
	paid_b = statement_lines("b@x", *JAN, rules, [moved], paid_a + taken_back)
	assert [(l.user, l.amount) for l in paid_b] == [("b@x", Decimal("50.00"))]
	assert statement_lines("a@x", *JAN, rules, [moved], paid_a + taken_back + paid_b) == []


def test_dates_edited_after_approval_do_not_pay_again():
	rules = [rule(basis=RECEIVED)]
	nov = statement_lines("liaison@x", *NOV, rules, [referral()], [])
	moved_to_december = referral(received=datetime(2026, 12, 2, 9), admitted=datetime(2026, 12, 4, 9))
	assert statement_lines("liaison@x", *DEC, rules, [moved_to_december], nov) == []


def test_a_referral_entered_late_is_paid_in_the_next_statement():
	late = referral(received=datetime(2026, 10, 20, 9), admitted=datetime(2026, 10, 22, 9))
	lines = statement_lines("liaison@x", *NOV, [rule()], [late], [])
	assert [(l.basis_date, l.amount) for l in lines] == [(date(2026, 10, 22), Decimal("50.00"))]


def test_a_rule_switched_off_takes_nothing_back():
	nov = statement_lines("liaison@x", *NOV, [rule()], [referral()], [])
	assert statement_lines("liaison@x", *DEC, [], [referral()], nov) == []


change = st.fixed_dictionaries(
	{
		"status": st.sampled_from(["Accepted", "Admitted", "Cancelled", "Not Admitted", "Discharged"]),
		"hunter": st.sampled_from(["a@x", "b@x"]),
	}
)


@given(st.lists(change, min_size=1, max_size=5))
def test_whatever_happens_to_a_referral_it_is_paid_once_or_not_at_all(history):
	"""Each month the referral may change status or credit; statements run for both people monthly.
	Once things settle, exactly one payment is outstanding if it counts, none if it does not."""
	rules = [
		rule(),
		rule(
			name="On receipt",
			basis=RECEIVED,
			amount=Decimal("10"),
			hunter_share=Decimal(60),
			farmer_share=Decimal(40),
		),
	]
	months = [(date(2027, m, 1), date(2027, m, 28)) for m in range(1, 13)]
	earlier: list = []
	final = history[-1]
	for month, facts in zip(months, history + [final] * 3, strict=False):
		r = referral(received=datetime(2027, 1, 5), admitted=datetime(2027, 1, 9), **facts)
		for person in ("a@x", "b@x", "coord@x"):
			earlier += statement_lines(person, *month, rules, [r], earlier)
	net = {}
	for line in earlier:
		net[line.key] = net.get(line.key, Decimal(0)) + line.amount
	counts = final["status"] not in ("Cancelled", "Not Admitted")
	for key, amount in net.items():
		expected = {
			("HH admitted", HUNTER): Decimal("50.00"),
			("On receipt", HUNTER): Decimal("6.00"),
			("On receipt", FARMER): Decimal("4.00"),
		}[key[1:3]]
		assert amount == (expected if counts else 0), (key, amount)
	by_person = {}
	for line in earlier:
		by_person[(line.key, line.user)] = by_person.get((line.key, line.user), Decimal(0)) + line.amount
	for (key, person), amount in by_person.items():
		holder = final["hunter"] if key[2] == HUNTER else "coord@x"
		assert amount == (net[key] if person == holder else 0), (key, person, amount)


def test_window_and_validity_boundaries_are_inclusive():
	"""Admitted exactly N days after receipt counts; a rule valid from or to a day counts on that day."""
	r = referral(received=datetime(2026, 11, 1, 9), admitted=datetime(2026, 11, 8, 9))
	assert counts_under(rule(eligibility_days=7), r) == date(2026, 11, 8)
	assert counts_under(rule(eligibility_days=6), r) is None
	assert counts_under(rule(valid_from=date(2026, 11, 8)), r) == date(2026, 11, 8)
	assert counts_under(rule(valid_to=date(2026, 11, 8)), r) == date(2026, 11, 8)
	assert counts_under(rule(valid_from=date(2026, 11, 9)), r) is None
	assert counts_under(rule(valid_to=date(2026, 11, 7)), r) is None


def test_the_new_account_bonus_is_paid_once_however_often_the_month_is_recounted():
	first = referral(first_from_source=True)
	rules = [rule(new_account_bonus=Decimal("100"))]
	paid = statement_lines("liaison@x", *NOV, rules, [first], [])
	assert statement_lines("liaison@x", *NOV, rules, [first], paid) == []
	assert [l.kind for l in statement_lines("coord@x", *NOV, rules, [first], paid)] == [], "the opener's only"


def test_a_rule_with_an_unknown_basis_is_refused_by_name():
	import pytest

	from referral_crm.core.referral_intelligence.commission import basis_date

	with pytest.raises(ValueError) as refused:
		basis_date(rule(basis="Referral Discharged"), referral())
	assert str(refused.value) == "unknown commission basis 'Referral Discharged'"


def test_a_commission_line_names_the_referral_the_rule_and_the_day_it_counts():
	(line,) = statement_lines(
		"liaison@x", *NOV, [rule()], [referral(admitted=datetime(2026, 11, 30, 17))], []
	)
	assert line == Line(
		"REF-1", "HH admitted", HUNTER, COMMISSION, date(2026, 11, 30), Decimal("50.00"), user="liaison@x"
	)


def test_a_referral_listed_twice_is_paid_once():
	assert total(statement_lines("liaison@x", *NOV, [rule()], [referral(), referral()], [])) == Decimal(
		"50.00"
	)


def test_a_rule_the_referral_does_not_meet_does_not_stop_the_next_rule():
	rules = [rule(name="Hospice", service_line="Hospice"), rule()]
	assert [l.rule for l in statement_lines("liaison@x", *NOV, rules, [referral()], [])] == ["HH admitted"]


def test_half_a_cent_of_a_split_is_rounded_up():
	split = rule(amount=Decimal("12.25"), hunter_share=Decimal(50), farmer_share=Decimal(50))
	assert total(statement_lines("liaison@x", *NOV, [split], [referral()], [])) == Decimal("6.13")


def test_an_amount_under_a_dollar_is_paid_once_and_taken_back_whole():
	small = [rule(amount=Decimal("1"), hunter_share=Decimal(60))]
	nov = statement_lines("liaison@x", *NOV, small, [referral()], [])
	assert total(nov) == Decimal("0.60")
	assert statement_lines("liaison@x", *NOV, small, [referral()], nov) == []
	dec = statement_lines("liaison@x", *DEC, small, [referral(status="Cancelled")], nov)
	assert [(l.kind, l.amount) for l in dec] == [(CLAWBACK, Decimal("-0.60"))]


def test_an_earlier_line_without_a_person_is_the_statement_owners_and_is_taken_back_from_them():
	"""Lines written before statements named their person carry no user."""
	old = Line("REF-1", "HH admitted", HUNTER, COMMISSION, date(2026, 11, 5), Decimal("50.00"))
	dec = statement_lines("liaison@x", *DEC, [rule()], [referral(status="Cancelled")], [old])
	assert dec == [
		Line(
			"REF-1",
			"HH admitted",
			HUNTER,
			CLAWBACK,
			date(2026, 12, 31),
			Decimal("-50.00"),
			reverses_kind=COMMISSION,
			user="liaison@x",
		)
	]
	assert statement_lines("liaison@x", *DEC, [rule()], [referral()], [old]) == []


def test_the_order_earlier_lines_come_in_does_not_change_a_statement():
	import itertools

	rules = [rule()]
	paid_a = statement_lines("a@x", *NOV, rules, [referral(hunter="a@x")], [])
	moved = referral(hunter="b@x")
	taken_back = statement_lines("a@x", *DEC, rules, [moved], paid_a)
	paid_b = statement_lines("b@x", *JAN, rules, [moved], paid_a + taken_back)
	for earlier in itertools.permutations(paid_a + taken_back + paid_b):
		for person in ("a@x", "b@x"):
			assert statement_lines(person, *FEB, rules, [moved], list(earlier)) == []


def test_each_paid_line_is_judged_on_its_own_for_a_clawback():
	"""A rule switched off, or a referral still counting, does not stop the next line being taken back."""
	rules = [rule(name="Old rate"), rule()]
	nov = statement_lines("liaison@x", *NOV, rules, [referral(name="R1"), referral(name="R2")], [])
	assert len(nov) == 4
	dec = statement_lines(
		"liaison@x", *DEC, [rule()], [referral(name="R1"), referral(name="R2", status="Cancelled")], nov
	)
	assert [(l.referral, l.rule, l.amount) for l in dec] == [("R2", "HH admitted", Decimal("-50.00"))]


def test_a_new_account_bonus_line_names_the_referral_the_rule_and_the_day():
	first = referral(first_from_source=True)
	lines = statement_lines("liaison@x", *NOV, [rule(new_account_bonus=Decimal("100"))], [first], [])
	assert lines[-1] == Line(
		"REF-1",
		"HH admitted",
		HUNTER,
		NEW_ACCOUNT_BONUS,
		date(2026, 11, 5),
		Decimal("100.00"),
		user="liaison@x",
	)


def test_a_clawback_written_before_lines_named_their_person_still_cancels_its_payment():
	paid = Line("REF-1", "HH admitted", HUNTER, COMMISSION, date(2026, 11, 5), Decimal("50.00"))
	taken_back = Line(
		"REF-1",
		"HH admitted",
		HUNTER,
		CLAWBACK,
		date(2026, 12, 31),
		Decimal("-50.00"),
		reverses_kind=COMMISSION,
	)
	jan = statement_lines("liaison@x", *JAN, [rule()], [referral()], [paid, taken_back])
	assert [(l.kind, l.amount) for l in jan] == [(COMMISSION, Decimal("50.00"))]
