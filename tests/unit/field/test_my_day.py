import pytest

from referral_crm.core.field.my_day import (
	CARRIED_OVER,
	FOLLOW_UP,
	MEETING,
	WORK_LIST,
	Candidate,
	choose_stops,
	past_day_end,
)


def test_an_office_on_the_day_for_several_reasons_is_one_stop_under_the_most_pressing():
	today, rolled = choose_stops(
		[
			Candidate("P1", WORK_LIST),
			Candidate("P1", FOLLOW_UP, "call back about pads"),
			Candidate("P2", WORK_LIST),
		]
	)
	assert [(c.practice, c.reason) for c in today] == [("P1", FOLLOW_UP), ("P2", WORK_LIST)]
	assert today[0].detail == "call back about pads"
	assert rolled == []


def test_the_most_pressing_come_first_and_the_rest_roll_over():
	candidates = [
		Candidate("W1", WORK_LIST),
		Candidate("W2", WORK_LIST),
		Candidate("F1", FOLLOW_UP),
		Candidate("C1", CARRIED_OVER),
		Candidate("M1", MEETING, appointment_time="14:00"),
	]
	today, rolled = choose_stops(candidates, max_stops=3)
	assert [c.practice for c in today] == ["M1", "C1", "F1"]
	assert [c.practice for c in rolled] == ["W1", "W2"]


def test_meetings_are_kept_even_past_the_day_s_limit_and_in_time_order():
	candidates = [Candidate(f"M{h}", MEETING, appointment_time=f"{h}:00") for h in (15, 10, 12)]
	today, rolled = choose_stops([*candidates, Candidate("W", WORK_LIST)], max_stops=2)
	assert [c.practice for c in today] == ["M10", "M12", "M15"]
	assert [c.practice for c in rolled] == ["W"]


def test_a_booked_time_wins_over_the_same_reason_without_one():
	today, _ = choose_stops([Candidate("P", MEETING), Candidate("P", MEETING, appointment_time="09:30")])
	assert today[0].appointment_time == "09:30"


def test_nothing_is_dropped_between_today_and_tomorrow():
	candidates = [Candidate(f"P{i:02}", WORK_LIST) for i in range(20)]
	today, rolled = choose_stops(candidates, max_stops=8)
	assert len(today) == 8 and len(rolled) == 12
	assert {c.practice for c in today} | {c.practice for c in rolled} == {c.practice for c in candidates}


def test_an_unknown_reason_is_refused():
	with pytest.raises(ValueError, match="unknown reason"):
		choose_stops([Candidate("P", "Whim")])


def test_offices_reached_after_the_day_ends_roll_over_but_meetings_stay():
	arrivals = [("A", 9 * 60), ("B", 17 * 60), ("C", 17 * 60 + 1), ("M", 17 * 60 + 30)]
	assert past_day_end(arrivals, fixed={"M"}, day_end_minute=17 * 60) == ["C"]


def test_a_less_pressing_reason_after_a_more_pressing_one_does_not_replace_it():
	today, _ = choose_stops([Candidate("P1", FOLLOW_UP, "call back about pads"), Candidate("P1", WORK_LIST)])
	assert [(c.practice, c.reason, c.detail) for c in today] == [("P1", FOLLOW_UP, "call back about pads")]


def test_of_two_equally_pressing_reasons_the_first_given_is_kept():
	today, _ = choose_stops(
		[Candidate("P1", FOLLOW_UP, "call back about pads"), Candidate("P1", FOLLOW_UP, "brochures")]
	)
	assert [c.detail for c in today] == ["call back about pads"]
