from datetime import date

import pytest

from referral_crm.core.referral_intelligence.duties import Duty, order_duties

TODAY = date(2026, 11, 30)


def test_overdue_first_longest_overdue_first_then_today_then_undated_then_later():
	duties = [
		Duty("follow_up", "later", due=date(2026, 12, 3)),
		Duty("alert", "undated"),
		Duty("visit_note", "today", due=TODAY),
		Duty("partner_issue", "one day late", due=date(2026, 11, 29)),
		Duty("thank", "a week late", due=date(2026, 11, 23)),
	]
	assert [d.title for d in order_duties(duties, TODAY)] == [
		"a week late",
		"one day late",
		"today",
		"undated",
		"later",
	]


def test_on_the_same_day_visit_notes_come_before_reviews_and_alerts():
	duties = [Duty("alert", "a"), Duty("review", "b"), Duty("visit_note", "c")]
	assert [d.kind for d in order_duties(duties, TODAY)] == ["visit_note", "review", "alert"]


def test_days_overdue():
	assert Duty("review", "x", due=date(2026, 11, 27)).days_overdue(TODAY) == 3
	assert Duty("review", "x").days_overdue(TODAY) == 0


def test_an_unknown_kind_is_refused():
	with pytest.raises(ValueError, match="unknown kind"):
		order_duties([Duty("nap", "x")], TODAY)


def test_a_duty_due_today_comes_before_an_undated_one_whatever_their_kinds():
	duties = [Duty("visit_note", "undated note"), Duty("alert", "alert due today", due=TODAY)]
	assert [d.title for d in order_duties(duties, TODAY)] == ["alert due today", "undated note"]
