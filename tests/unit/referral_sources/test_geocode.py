from referral_crm.core.referral_sources.geocode import is_valid_point, zip_centroid


def test_a_bronx_zip_lies_in_the_bronx():
	latitude, longitude = zip_centroid("10451")
	assert 40.8 < latitude < 40.84 and -73.94 < longitude < -73.9


def test_zip_plus_four_and_spaces_find_the_same_centre():
	assert zip_centroid(" 10451-2345 ") == zip_centroid("10451")


def test_nothing_to_place_gives_no_point():
	assert zip_centroid("") is None
	assert zip_centroid("1045") is None
	assert zip_centroid("00000") is None


def test_an_empty_float_field_is_not_a_point():
	assert not is_valid_point(0.0, 0.0)
	assert not is_valid_point(None, -73.9)
	assert not is_valid_point(91, 0)
	assert is_valid_point(40.8, -73.9)


def test_the_poles_and_the_date_line_are_points_and_beyond_them_is_not():
	assert is_valid_point(-90, 10) and is_valid_point(90, 10)
	assert is_valid_point(10, -180) and is_valid_point(10, 180)
	assert not is_valid_point(-90.5, 10) and not is_valid_point(90.5, 10)
	assert not is_valid_point(10, -180.5) and not is_valid_point(10, 180.5)
