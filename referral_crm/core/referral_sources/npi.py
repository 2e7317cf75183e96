"""National Provider Identifier rules (CMS, "NPI check digit" by ISO standard 7812).

An NPI is ten digits; the last is a Luhn check digit computed over the first nine
prefixed with the card issuer identifier "80840", which contributes a constant 24.
"""

from referral_crm.core.errors import InvalidNPIError

NPI_LENGTH = 10
_PREFIX_CONSTANT = 24  # Luhn contribution of the "80840" prefix


def clean_npi(value: str | int | None) -> str:
	"""Strip spaces and dashes people type around an NPI; return "" for nothing."""
	if value is None:
		return ""
	return "".join(ch for ch in str(value) if ch not in " -\t")


def _digits(text: str) -> bool:
	"""ASCII digits only: str.isdigit() also takes "１２３" and "١٢٣" and superscripts, which are not NPIs."""
	return text.isascii() and text.isdigit()


def npi_check_digit(first_nine: str) -> int:
	if len(first_nine) != NPI_LENGTH - 1 or not _digits(first_nine):
		raise InvalidNPIError("The first nine digits of an NPI must be nine digits")
	total = _PREFIX_CONSTANT
	# Double every other digit starting from the rightmost of the nine.
	for position, char in enumerate(reversed(first_nine)):
		digit = int(char)
		if position % 2 == 0:
			digit *= 2
			if digit > 9:
				digit -= 9
		total += digit
	return (10 - total % 10) % 10


def is_valid_npi(value: str | int | None) -> bool:
	npi = clean_npi(value)
	if len(npi) != NPI_LENGTH or not _digits(npi) or npi[0] not in "12":
		return False
	return npi_check_digit(npi[:9]) == int(npi[9])


def validate_npi(value: str | int | None) -> str:
	"""Return the cleaned NPI or raise InvalidNPIError saying what is wrong with it."""
	npi = clean_npi(value)
	if len(npi) != NPI_LENGTH or not _digits(npi):
		raise InvalidNPIError(f"An NPI has exactly 10 digits (0-9); got {npi!r}")
	if npi[0] not in "12":
		raise InvalidNPIError(f"An NPI starts with 1 or 2; got {npi!r}")
	if npi_check_digit(npi[:9]) != int(npi[9]):
		raise InvalidNPIError(f"{npi} fails the NPI check digit")
	return npi


def make_npi(first_nine: str) -> str:
	"""Complete nine digits into a valid NPI (used for demo and test data)."""
	return f"{first_nine}{npi_check_digit(first_nine)}"
