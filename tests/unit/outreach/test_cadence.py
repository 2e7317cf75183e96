from datetime import date, timedelta

from referral_crm.core.outreach.cadence import (
	CALL,
	FAX,
	POSTCARD,
	VISIT,
	Cadence,
	Caps,
	Office,
	Touch,
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
