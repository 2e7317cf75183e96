from datetime import datetime, timedelta

import pytest

from referral_crm.core.outreach.outbox import (
	FAILED,
	MAX_ATTEMPTS,
	RETRY,
	SENT,
	fax_digits,
	fax_email_address,
	http_outcome,
	next_attempt_at,
	within_cap,
)

NOW = datetime(2026, 11, 23, 8, 0)


def test_retries_back_off_and_then_stop():
	waits = [next_attempt_at(n, NOW) - NOW for n in range(1, MAX_ATTEMPTS)]
	assert waits == sorted(waits) and waits[0] == timedelta(minutes=5)
	assert next_attempt_at(MAX_ATTEMPTS, NOW) is None


@pytest.mark.parametrize(
	"code, outcome",
	[
		(200, SENT),
		(202, SENT),
		(429, RETRY),
		(503, RETRY),
		(500, RETRY),
		(400, FAILED),
		(401, FAILED),
		(404, FAILED),
	],
)
def test_a_fax_api_answer_decides_the_next_step(code, outcome):
	assert http_outcome(code) == outcome


def test_email_to_fax_addresses():
	assert fax_email_address("{number}@efaxsend.com", "+12125550199") == "12125550199@efaxsend.com"
	assert fax_email_address("{national}@fax.example.com", "+12125550199") == "2125550199@fax.example.com"
	assert fax_digits("+12125550199;ext=12") == "12125550199"
	with pytest.raises(ValueError):
		fax_email_address("fax@example.com", "+12125550199")
	with pytest.raises(ValueError):
		fax_email_address("{number}@efaxsend.com", "")


def test_daily_caps():
	assert within_cap(50, 0, 80) == 50
	assert within_cap(50, 45, 10) == 5
	assert within_cap(50, 60, 10) == 0
	assert within_cap(0, 999, 10) == 10


@pytest.mark.parametrize(
	"status, outcome",
	[
		(200, SENT),
		(299, SENT),
		(300, FAILED),
		(408, RETRY),
		(409, FAILED),
		(425, RETRY),
		(426, FAILED),
		(429, RETRY),
	],
)
def test_the_edges_of_a_fax_api_answer(status, outcome):
	assert http_outcome(status) == outcome


def test_only_a_us_number_loses_its_country_code_for_the_national_form():
	assert fax_email_address("{national}@fax.example.com", "+12125550199") == "2125550199@fax.example.com"
	assert fax_email_address("{national}@fax.example.com", "+442071234567") == "442071234567@fax.example.com"
	assert fax_email_address("{national}@fax.example.com", "+33123456789") == "33123456789@fax.example.com"


def test_a_gateway_address_is_refused_by_name():
	with pytest.raises(ValueError) as no_number:
		fax_email_address("{number}@fax.example.com", "")
	assert str(no_number.value) == "no fax number to send to"
	with pytest.raises(ValueError) as no_slot:
		fax_email_address("fax.example.com", "+12125550199")
	assert str(no_slot.value) == "'fax.example.com' has no {number} or {national} in it"
	assert fax_digits(None) == ""
