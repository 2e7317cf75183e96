from datetime import date

import pytest

from referral_crm.core.field.field import (
	BLOCK,
	OK,
	WARN,
	Spend,
	day_miles,
	is_verified,
	limit_check,
	yearly_totals,
)

OFFICE = (40.8262, -73.9190)


def test_a_check_in_at_the_door_is_verified_and_one_down_the_road_is_not():
	assert is_verified((40.8265, -73.9192), OFFICE) == (True, 37)
	verified, metres = is_verified((40.8300, -73.9190), OFFICE)
	assert not verified and 400 < metres < 450
	assert is_verified((40.8300, -73.9190), OFFICE, radius_metres=500)[0]


def test_a_days_mileage_follows_the_route_planners_model():
	start, end = (40.79, -73.92), (40.79, -73.92)
	stops = [(40.80, -73.92), (40.83, -73.92)]
	assert day_miles(start, stops, end) == pytest.approx(2 * 2.76 * 1.3, abs=0.1)
	assert day_miles(None, stops, None) == pytest.approx(2.07 * 1.3, abs=0.1)
	assert day_miles(start, [], None) == 0


def test_yearly_totals_share_a_lunch_among_its_physicians_and_respect_the_year():
	spends = [
		Spend(date(2026, 1, 5), 120.0, ("Dr A", "Dr B", "Dr C")),
		Spend(date(2026, 12, 31), 50.0, ("Dr A",)),
		Spend(date(2027, 1, 1), 500.0, ("Dr A",)),
		Spend(date(2026, 6, 1), 30.0, ("Dr A", "Dr A")),  # listed twice is still one physician
	]
	assert yearly_totals(spends, 2026) == {"Dr A": 120.0, "Dr B": 40.0, "Dr C": 40.0}
	assert yearly_totals(spends, 2027) == {"Dr A": 500.0}


@pytest.mark.parametrize(
	"before, amount, outcome",
	[(0, 100, OK), (400, 50, WARN), (500, 7, WARN), (500, 8, BLOCK), (507, 0.01, BLOCK)],
)
def test_the_limit_warns_from_eighty_percent_and_blocks_beyond_it(before, amount, outcome):
	assert limit_check(before, amount, limit=507) == outcome


def test_no_limit_set_means_no_check():
	assert limit_check(10_000, 1, limit=None) == OK


def test_a_provider_who_works_at_two_practices_has_one_yearly_total():
	at_bronx = Spend(date(2026, 2, 1), 300.0, ("Dr A", "Dr B"))  # lunch at the Bronx office
	at_harlem = Spend(date(2026, 9, 1), 260.0, ("Dr A",))  # dinner at the Harlem office
	totals = yearly_totals([at_bronx, at_harlem], 2026)
	assert totals["Dr A"] == 410.0
	assert limit_check(totals["Dr A"], 100, limit=507) == BLOCK


def test_a_check_in_exactly_at_the_radius_is_verified():
	from referral_crm.core.field.field import check_in_distance

	device, office = (40.8176, -73.9182), (40.8186, -73.9182)
	assert is_verified(device, office, radius_metres=check_in_distance(device, office)) == (True, 111)


def test_a_days_mileage_is_given_to_a_tenth_and_a_yearly_total_to_the_cent():
	assert day_miles((40.0, -74.0), [(40.1, -74.0)], None) == 9.0
	lunch = Spend(date(2026, 3, 1), 100.0, ("D1", "D2", "D3"))
	assert yearly_totals([lunch], 2026) == {"D1": 33.33, "D2": 33.33, "D3": 33.33}


def test_the_warning_starts_exactly_at_its_share_of_the_limit():
	assert limit_check(70, 10, 100, 0.8) == WARN and limit_check(70, 9.99, 100, 0.8) == OK
