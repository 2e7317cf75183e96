"""Spreadsheet formula injection: a name or address a spreadsheet would run as a formula.

A practice named `=HYPERLINK("http://evil.example","Click")` becomes a live formula in every CSV
or Excel export that includes it (OWASP "CSV injection"). Text that starts with `=` or `@`, or
with `+` or `-` followed by more than a number, is a formula to Excel, LibreOffice and Google
Sheets; a phone number (+1 718 555 0143) or a negative amount (-12.50) is not.
"""

import re

_NUMBER_OR_PHONE = re.compile(r"[+\-][\d\s().\-]*")
_CONTROL_START = ("\t", "\r")


def is_formula(value) -> bool:
	if not isinstance(value, str) or not value:
		return False
	if value.startswith(_CONTROL_START):
		return True
	text = value.lstrip(" ")
	if text.startswith(("=", "@")):
		return True
	return text.startswith(("+", "-")) and not _NUMBER_OR_PHONE.fullmatch(text)


def safe_cell(value):
	"""The value as a spreadsheet will show it and never run it: a leading apostrophe when needed."""
	return f"'{value}" if is_formula(value) else value
