from datetime import date, timedelta

import pytest

from referral_crm.core.outreach.cadence import (
	CALL,
	FAX,
	POSTCARD,
	VISIT,
	Cadence,
	Caps,
	Office,
	Touch,
	WorkItem,
	build_work_list,
)

TODAY = date(2026, 11, 23)


def channels(work):
	return {(i.office, i.channel) for i in work.items}


def test_a_new_target_is_due_on_its_most_overdue_channel_only_once_a_day():
	work = build_work_list([Office("P1", "Target")], [], TODAY)
	assert len(work.items) == 1 and work.items[0].office == "P1"
	assert work.items[0].channel in (CALL, FAX, POSTCARD)


def test_two_calls_a_month_are_spread_and_stop_when_done():
	office = Office("P1", "Target", has_fax=False, has_address=False)
	recent = [Touch("P1", CALL, TODAY - timedelta(days=5))]
	assert build_work_list([office], recent, TODAY).items == [], "two weeks between two monthly calls"
	spaced = [Touch("P1", CALL, date(2026, 11, 3))]
	assert channels(build_work_list([office], spaced, TODAY)) == {("P1", CALL)}
	done = [Touch("P1", CALL, date(2026, 11, 3)), Touch("P1", CALL, date(2026, 11, 17))]
	assert build_work_list([office], done, date(2026, 11, 30)).items == []


def test_last_months_touches_do_not_count_against_this_month():
	office = Office("P1", "Target", has_fax=False, has_address=False)
	october = [Touch("P1", CALL, date(2026, 10, 20)), Touch("P1", CALL, date(2026, 10, 30))]
	assert channels(build_work_list([office], october, date(2026, 11, 16))) == {("P1", CALL)}


def test_do_not_contact_and_recently_touched_offices_rest():
	offices = [Office("P1", "Do Not Contact"), Office("P2", "Target")]
	touches = [Touch("P2", VISIT, TODAY - timedelta(days=1))]
	assert build_work_list(offices, touches, TODAY).items == []


def test_no_fax_number_means_no_fax():
	office = Office("P1", "Target", has_phone=False, has_fax=False, has_address=False)
	assert build_work_list([office], [], TODAY).items == []


def test_caps_hold_back_the_least_urgent_and_say_how_many():
	offices = [Office(f"P{n}", "Target", has_phone=False, has_address=False) for n in range(60)]
	touches = [Touch(f"P{n}", FAX, date(2026, 10, 1) + timedelta(days=n % 20)) for n in range(60)]
	work = build_work_list(offices, touches, TODAY, caps=Caps(faxes=50))
	assert len(work.items) == 50 and work.held_back[FAX] == 10
	kept = [i.days_overdue for i in work.items]
	assert kept == sorted(kept, reverse=True)
	assert min(kept) >= max(
		TODAY.toordinal() - t.on.toordinal()
		for t in touches
		if f"P{int(t.office[1:])}" not in {i.office for i in work.items}
	)


def test_sends_already_made_today_count_against_the_cap():
	offices = [Office(f"P{n}", "Target", has_phone=False, has_address=False) for n in range(10)]
	work = build_work_list(offices, [], TODAY, caps=Caps(faxes=50), used_today={FAX: 45})
	assert len(work.items) == 5 and work.held_back[FAX] == 5


def test_when_equally_overdue_referring_offices_come_first():
	offices = [Office("A-target", "Target"), Office("B-referring", "Referring", total_referrals=30)]
	work = build_work_list(
		offices, [], TODAY, cadences={"Target": Cadence(calls=1), "Referring": Cadence(calls=1)}
	)
	assert [i.office for i in work.items] == ["B-referring", "A-target"]


def test_visits_go_to_whoever_does_field_work_and_calls_to_the_desk():
	office = dict(id="P1", stage="Referring")
	assert {i.channel for i in build_work_list([Office(**office, desk_work=False)], [], TODAY).items} == {
		VISIT
	}
	assert {i.channel for i in build_work_list([Office(**office, field_work=False)], [], TODAY).items} == {
		CALL
	}


def calls_only(office_id="P1", stage="Target", **extra):
	return Office(office_id, stage, has_fax=False, has_address=False, **extra)


def test_a_new_office_starts_with_a_call_when_every_channel_is_equally_overdue():
	(item,) = build_work_list([Office("P1", "Target")], [], TODAY).items
	assert item == WorkItem("P1", CALL, 365, 0, 2)


def test_two_calls_made_this_month_however_long_ago_finish_the_month():
	"""A call on the first of the month counts; the office then waits for next month."""
	done = [Touch("P1", CALL, date(2026, 11, 1)), Touch("P1", CALL, date(2026, 11, 2))]
	assert build_work_list([calls_only()], done, date(2026, 11, 30)).items == []
	once = [Touch("P1", CALL, date(2026, 11, 1))]
	assert build_work_list([calls_only()], once, date(2026, 11, 30)).items == [WorkItem("P1", CALL, 29, 1, 2)]


def test_a_channel_done_for_the_month_or_not_yet_due_leaves_the_next_channel_open():
	office = Office("P1", "Target", has_address=False)
	done = [Touch("P1", CALL, date(2026, 11, 2)), Touch("P1", CALL, date(2026, 11, 3))]
	assert channels(build_work_list([office], done, TODAY)) == {("P1", FAX)}
	recent = [Touch("P1", CALL, TODAY - timedelta(days=5))]
	assert channels(build_work_list([office], recent, TODAY)) == {("P1", FAX)}


@pytest.mark.parametrize(
	"per_month, days_ago, due",
	[
		(2, 15, True),
		(2, 14, False),
		(1, 30, True),
		(1, 29, False),
		(4, 7, True),
		(4, 6, False),
		(30, 1, True),
	],
)
def test_touches_on_a_channel_are_spread_a_month_over_the_cadence_and_at_least_a_day_apart(
	per_month, days_ago, due
):
	touches = [Touch("P1", CALL, date(2026, 12, 1) - timedelta(days=days_ago))]
	work = build_work_list(
		[calls_only()],
		touches,
		date(2026, 12, 1),
		cadences={"Target": Cadence(calls=per_month)},
		rest_days=0,
	)
	assert bool(work.items) is due


def test_the_latest_touch_counts_whatever_order_the_touches_come_in():
	newest_first = [Touch("P1", CALL, date(2026, 11, 20)), Touch("P1", CALL, date(2026, 10, 1))]
	assert build_work_list([calls_only()], newest_first, TODAY).items == []
	yesterday_first = [Touch("P2", FAX, TODAY - timedelta(days=1)), Touch("P2", CALL, date(2026, 10, 1))]
	assert build_work_list([Office("P2", "Target")], yesterday_first, TODAY).items == []


def test_a_touch_today_rests_the_office_and_a_future_one_is_ignored():
	touches = [Touch("P1", CALL, TODAY + timedelta(days=3)), Touch("P1", FAX, TODAY)]
	assert build_work_list([Office("P1", "Target")], touches, TODAY).items == []
	assert channels(build_work_list([Office("P1", "Target")], touches[:1], TODAY)) == {("P1", CALL)}


def test_an_office_rests_one_day_after_a_touch_and_is_due_again_on_the_second():
	offices = [Office("P1", "Target"), Office("P2", "Target"), Office("P3", "Target")]
	touches = [Touch("P1", VISIT, TODAY - timedelta(days=1)), Touch("P2", VISIT, TODAY - timedelta(days=2))]
	assert {i.office for i in build_work_list(offices, touches, TODAY).items} == {"P2", "P3"}


def test_an_office_of_a_stage_without_a_cadence_does_not_stop_the_list():
	offices = [Office("P0", "Prospect"), Office("P1", "Target")]
	assert [i.office for i in build_work_list(offices, [], TODAY).items] == ["P1"]


def test_when_equally_overdue_the_stage_comes_before_the_referral_count_and_the_count_before_the_name():
	offices = [
		calls_only("A", "Target", total_referrals=50),
		calls_only("B", "Referring", total_referrals=1),
		calls_only("C", "Target", total_referrals=7),
		calls_only("D", "Hospital Partner", total_referrals=90),
		calls_only("E", "Target", total_referrals=7),
	]
	cadences = {stage: Cadence(calls=1) for stage in ("Target", "Referring", "Hospital Partner")}
	work = build_work_list(offices, [], TODAY, cadences=cadences)
	assert [i.office for i in work.items] == ["B", "A", "C", "E", "D"]
