"""Phone and fax numbers: stored in E.164, shown in the national format.

An extension survives as RFC 3966 ";ext=" after the E.164 number, so
"212-555-0100 x23" is stored as "+12125550100;ext=23".
"""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from referral_crm.core.errors import InvalidPhoneNumberError

DEFAULT_REGION = "US"
_EXTENSION_MARK = ";ext="


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber:
	text = raw.strip()
	if _EXTENSION_MARK in text:
		number, _, extension = text.partition(_EXTENSION_MARK)
		text = f"{number} ext. {extension}"
	try:
		number = phonenumbers.parse(text, region or DEFAULT_REGION)
	except NumberParseException:
		raise InvalidPhoneNumberError(f"{raw!r} is not a phone number")
	if not phonenumbers.is_valid_number(number):
		raise InvalidPhoneNumberError(f"{raw!r} is not a valid phone number")
	return number


def normalize_phone(raw: str | None, region: str = DEFAULT_REGION) -> str:
	"""Return the number in E.164 (with ";ext=N" if it has one), or "" for an empty value."""
	if raw is None or not str(raw).strip():
		return ""
	number = _parse(str(raw), region)
	e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
	return f"{e164}{_EXTENSION_MARK}{number.extension}" if number.extension else e164


def format_phone(stored: str | None, region: str = DEFAULT_REGION) -> str:
	"""Show a stored number the way people in `region` write it: "(212) 555-0100"."""
	if not stored:
		return ""
	try:
		number = _parse(stored, region)
	except InvalidPhoneNumberError:
		return stored
	region_of_number = phonenumbers.region_code_for_number(number)
	style = PhoneNumberFormat.NATIONAL if region_of_number == region else PhoneNumberFormat.INTERNATIONAL
	return phonenumbers.format_number(number, style)


def dial_string(stored: str | None) -> str:
	"""What a tel: link dials (E.164 with the extension as pause-dialled digits)."""
	if not stored:
		return ""
	number, _, extension = stored.partition(_EXTENSION_MARK)
	return f"{number},{extension}" if extension else number


def is_known_region(region: str | None) -> bool:
	return bool(region) and region.upper() in phonenumbers.SUPPORTED_REGIONS
