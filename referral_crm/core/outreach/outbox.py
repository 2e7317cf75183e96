"""Faxes and emails that must not get lost: retry timing, what an answer means, how a fax number is addressed."""

import re
from datetime import datetime, timedelta

# Minutes to wait after each failed attempt: a busy fax line clears in minutes, a dead gateway in hours.
BACKOFF_MINUTES = (5, 15, 45, 120, 360)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1

SENT, RETRY, FAILED = "Sent", "Retry", "Failed"


def next_attempt_at(attempts: int, now: datetime) -> datetime | None:
	"""When to try again after `attempts` failures; None once every attempt is used up."""
	if attempts >= MAX_ATTEMPTS:
		return None
	return now + timedelta(minutes=BACKOFF_MINUTES[max(attempts, 1) - 1])


def http_outcome(status_code: int) -> str:
	"""A fax API's answer: accepted, worth retrying (busy, down, throttled), or refused for good."""
	if 200 <= status_code < 300:
		return SENT
	if status_code in (408, 425, 429) or status_code >= 500:
		return RETRY
	return FAILED


def fax_digits(e164: str | None) -> str:
	"""The digits a gateway dials: "+12125550199" -> "12125550199"; "" when there is no number."""
	return re.sub(r"\D", "", (e164 or "").split(";")[0])


def fax_email_address(pattern: str, e164: str) -> str:
	"""Address an email-to-fax gateway expects, from a pattern such as "{number}@fax.example.com".

	{number} is the full number with country code (12125550199), {national} the US ten digits (2125550199).
	"""
	digits = fax_digits(e164)
	if not digits:
		raise ValueError("no fax number to send to")
	if "{number}" not in pattern and "{national}" not in pattern:
		raise ValueError(f"{pattern!r} has no {{number}} or {{national}} in it")
	national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
	return pattern.replace("{number}", digits).replace("{national}", national)


def within_cap(cap: int | None, used: int, wanted: int) -> int:
	"""How many of `wanted` sends fit under a daily cap already `used` (no cap: all of them)."""
	if not cap:
		return wanted
	return max(0, min(wanted, cap - used))
