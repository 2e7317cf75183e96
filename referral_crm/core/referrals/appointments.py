"""The EMR's daily appointment file: rows in, plain appointment records out, with line-numbered errors."""

from dataclasses import dataclass
from datetime import date, datetime

from referral_crm.core.errors import InvalidNPIError
from referral_crm.core.referral_sources.npi import validate_npi

FIELDS = (
	"patient_first_name",
	"patient_last_name",
	"date_of_birth",
	"appointment_date",
	"referring_physician",
	"referring_npi",
	"pcp",
	"pcp_npi",
)
REQUIRED = ("patient_first_name", "patient_last_name", "appointment_date")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%Y/%m/%d")


@dataclass(frozen=True)
class Appointment:
	line: int
	patient_first_name: str
	patient_last_name: str
	appointment_date: date
	date_of_birth: date | None = None
	referring_physician: str = ""
	referring_npi: str = ""
	pcp: str = ""
	pcp_npi: str = ""


def parse_date(value) -> date | None:
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	text = str(value or "").strip()
	if not text:
		return None
	text = text.split(" ")[0].split("T")[0]
	for pattern in DATE_FORMATS:
		try:
			return datetime.strptime(text, pattern).date()
		except ValueError:
			continue
	raise ValueError(f"{value!r} is not a date")


def read_appointments(
	rows: list[dict], mapping: dict[str, str], first_line: int = 2
) -> tuple[list[Appointment], list[str]]:
	"""Map file columns to fields; return the appointments, or every problem with its line number."""
	missing = [field for field in REQUIRED if not mapping.get(field)]
	if missing:
		return [], [f"map a column to {', '.join(missing)}"]
	appointments, errors = [], []
	for line, row in enumerate(rows, start=first_line):
		values = {field: str(row.get(column) or "").strip() for field, column in mapping.items() if column}
		if not any(values.values()):
			continue
		problems = [f"{field} is empty" for field in REQUIRED if not values.get(field)]
		dates = {}
		for field in ("appointment_date", "date_of_birth"):
			try:
				dates[field] = parse_date(values.get(field))
			except ValueError:
				problems.append(f"{field} {values.get(field)!r} is not a date")
		for field in ("referring_npi", "pcp_npi"):
			if values.get(field):
				try:
					values[field] = validate_npi(values[field])
				except InvalidNPIError:
					problems.append(f"{field} {values[field]!r} is not a valid NPI")
		if problems:
			errors.append(f"line {line}: " + "; ".join(problems))
			continue
		appointments.append(
			Appointment(
				line=line,
				patient_first_name=values["patient_first_name"],
				patient_last_name=values["patient_last_name"],
				appointment_date=dates["appointment_date"],
				date_of_birth=dates.get("date_of_birth"),
				referring_physician=values.get("referring_physician", ""),
				referring_npi=values.get("referring_npi", ""),
				pcp=values.get("pcp", ""),
				pcp_npi=values.get("pcp_npi", ""),
			)
		)
	return appointments, errors
