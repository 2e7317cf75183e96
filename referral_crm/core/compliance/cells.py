"""Spreadsheet formula injection: a name or address a spreadsheet would run as a formula.

A practice named `=HYPERLINK("http://evil.example","Click")` becomes a live formula in every CSV
or Excel export that includes it (OWASP "CSV injection"). Two questions, two answers:

- `is_formula`: is this text plainly a formula (refused when typed into the CRM)? It starts with
  `=` or `@`, or with `+` or `-` and calls a function (`+SUM(`) or reaches outside the cell (`|`,
  `!`). A phone number such as +1 (718) 555-0143;ext=12 or an amount such as -12.50 is not.
- `safe_cell`: the value as our own CSV files write it. Anything a spreadsheet might evaluate
  (a leading `=`, `+`, `-`, `@`, tab or carriage return, unless it is only a number or a phone
  number) gets a leading apostrophe, so it shows as text.
"""

import re

_NUMBER_OR_PHONE = re.compile(r"[+\-][\d\s().\-]*")
_CALL_OR_REFERENCE = re.compile(r"[A-Za-z_][\w.]*\s*\(|[|!]")
_CONTROL_START = ("\t", "\r")


def is_formula(value) -> bool:
	if not isinstance(value, str) or not value:
		return False
	if value.startswith(_CONTROL_START):
		return True
	text = value.lstrip(" ")
	if text.startswith(("=", "@")):
		return True
	return text.startswith(("+", "-")) and bool(_CALL_OR_REFERENCE.search(text))


def safe_cell(value):
	"""The value as a spreadsheet will show it and never run it: a leading apostrophe when needed."""
	if not isinstance(value, str) or not value:
		return value
	text = value.lstrip(" ")
	risky = value.startswith(_CONTROL_START) or text.startswith(("=", "@", "+", "-"))
	return f"'{value}" if risky and not _NUMBER_OR_PHONE.fullmatch(text) else value
