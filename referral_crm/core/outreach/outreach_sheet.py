"""The outreach spreadsheet many agencies start from, read row by row before anything is written.

Columns (any order, any case): Agent, Last Contact, Outcome, Remarks, Next step, First Name,
Last Name, Gender, Specialty, Phone, Fax, Address, Address2, City, State, Zip Code, and an
optional Practice. A row that cannot be read is an error naming its spreadsheet line, so an
importer can refuse the whole file and nothing is half-imported.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from referral_crm.core.errors import InvalidPhoneNumberError, InvalidZipCodeError
from referral_crm.core.phone import normalize_phone
from referral_crm.core.referral_sources.territory import normalize_zip

COLUMNS = {
	"agent": "agent",
	"last contact": "last_contact",
	"outcome": "outcome",
	"remarks": "remarks",
	"next step": "next_step",
	"first name": "first_name",
	"last name": "last_name",
	"gender": "gender",
	"specialty": "specialty",
	"phone": "phone",
	"fax": "fax",
	"address": "address_line1",
	"address2": "address_line2",
	"address 2": "address_line2",
	"city": "city",
	"state": "state",
	"zip code": "zip_code",
	"zip": "zip_code",
	"practice": "practice_name",
}

# Words of the Outcome column, most specific first, and the Visit channel and outcome they mean.
OUTCOMES = (
	(
		("do not call", "do not contact", "dnc", "remove us", "stop calling"),
		"Phone Call",
		"Asked Not to Contact",
	),
	(("not interested",), "Phone Call", "Not Interested"),
	(("will refer", "promised", "will send", "referral promised"), "Phone Call", "Referral Promised"),
	(("meeting", "appointment", "lunch", "in-service", "inservice"), "Phone Call", "Meeting Scheduled"),
	(
		("spoke to dr", "spoke with dr", "doctor", "physician", "provider"),
		"Phone Call",
		"Spoke with Provider",
	),
	(("voicemail", "voice mail", "vm", "left message", "left msg"), "Phone Call", "Left Voicemail"),
	(("no answer", "busy", "no response", "unreachable"), "Phone Call", "No Answer"),
	(("faxed", "fax sent", "fax"), "Fax", "Sent"),
	(("emailed", "email sent", "email"), "Email", "Sent"),
	(("mailed", "postcard", "letter"), "Postcard", "Sent"),
	(
		("dropped off", "drop off", "left materials", "brochure", "visited", "in person"),
		"Drop Off",
		"Left Materials",
	),
	(("connected", "spoke", "talked", "reached", "office staff"), "Phone Call", "Spoke with Office Staff"),
)

_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b|\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
_GENDERS = {"m": "Male", "male": "Male", "f": "Female", "female": "Female"}


@dataclass(frozen=True, slots=True)
class SheetRow:
	line: int
	agent: str
	last_contact: date | None
	channel: str
	outcome: str
	remarks: str
	next_step: str
	follow_up_date: date | None
	practice_name: str
	first_name: str
	last_name: str
	gender: str
	specialty: str
	is_pcp: bool
	phone: str
	fax: str
	address_line1: str
	address_line2: str
	city: str
	state: str
	zip_code: str


def parse_date(text: str) -> date | None:
	"""The first date in the text: 1/12/2020, 1/12/20 or 2020-01-12; None when there is none."""
	match = _DATE.search(text or "")
	if not match:
		return None
	if match.group(1):
		year, month, day = (int(match.group(i)) for i in (1, 2, 3))
	else:
		month, day, year = (int(match.group(i)) for i in (4, 5, 6))
		if year < 100:
			year += 2000
	return date(year, month, day)  # raises ValueError for 13/45/2020


def split_next_step(text: str) -> tuple[date | None, str]:
	"""'Reminder on 1/12/2020 – call back' -> (2020-01-12, 'call back')."""
	text = (text or "").strip()
	when = parse_date(text)
	note = _DATE.sub(" ", text)
	note = re.sub(r"\b(reminder|remind|follow[\s-]?up|f/u)\b(\s+on)?", " ", note, flags=re.I)
	note = re.sub(r"^[\s\-–—:,]+|[\s\-–—:,]+$", "", " ".join(note.split()))
	return when, note or text


def visit_outcome(text: str) -> tuple[str, str] | None:
	"""(channel, outcome) for an Outcome cell, or None for words the CRM does not know."""
	words = " ".join(re.sub(r"[^a-z0-9/\- ]", " ", (text or "").lower()).split())
	for phrases, channel, outcome in OUTCOMES:
		if any(re.search(rf"\b{re.escape(p)}\b", words) for p in phrases):
			return channel, outcome
	return None


def map_columns(header: Iterable[str]) -> dict[str, str]:
	"""The sheet's own header for each field we read."""
	found = {}
	for name in header:
		key = " ".join(str(name or "").strip().lower().replace("_", " ").split())
		if key in COLUMNS:
			found.setdefault(COLUMNS[key], name)
	return found


def parse_sheet(rows: list[Mapping], first_line: int = 2) -> tuple[list[SheetRow], list[str]]:
	"""Read every row; return the readable rows and one message per problem ("line 7: ...")."""
	if not rows:
		return [], ["the sheet has no rows"]
	columns = map_columns(rows[0].keys())
	missing = [c for c in ("first_name", "last_name") if c not in columns]
	if missing:
		return [], [f"the sheet has no {' or '.join(m.replace('_', ' ').title() for m in missing)} column"]
	out, errors = [], []
	for line, raw in enumerate(rows, start=first_line):

		def cell(field: str, raw=raw) -> str:
			header = columns.get(field)
			value = raw.get(header) if header is not None else None
			return "" if value is None else str(value).strip()

		if not any(cell(f) for f in ("first_name", "last_name", "phone", "address_line1")):
			continue
		problems = []
		if not (cell("first_name") or cell("last_name")):
			problems.append("no first or last name")
		try:
			last_contact = parse_date(cell("last_contact")) if cell("last_contact") else None
			if cell("last_contact") and not last_contact:
				raise ValueError
		except ValueError:
			problems.append(f"Last Contact {cell('last_contact')!r} is not a date")
			last_contact = None
		channel, outcome = "", ""
		if cell("outcome") or last_contact:
			known = visit_outcome(cell("outcome"))
			if known:
				channel, outcome = known
			else:
				problems.append(
					f"Outcome {cell('outcome')!r} is not one the CRM understands (e.g. Connected, Left VM, No Answer, Faxed, Meeting, Not Interested)"
				)
			if not last_contact:
				problems.append("an Outcome needs the Last Contact date")
		try:
			follow_up, note = split_next_step(cell("next_step"))
		except ValueError:
			problems.append(f"Next step {cell('next_step')!r} has a date that does not exist")
			follow_up, note = None, cell("next_step")
		numbers = {}
		for field in ("phone", "fax"):
			try:
				numbers[field] = normalize_phone(cell(field))
			except InvalidPhoneNumberError:
				problems.append(f"{field.title()} {cell(field)!r} is not a phone number")
				numbers[field] = ""
		try:
			zip_code = normalize_zip(cell("zip_code"))
		except InvalidZipCodeError:
			problems.append(f"Zip Code {cell('zip_code')!r} is not a US ZIP code")
			zip_code = ""
		gender = cell("gender")
		if gender and gender.lower() not in _GENDERS:
			problems.append(f"Gender {gender!r} is neither M nor F")
		if problems:
			errors.extend(f"line {line}: {p}" for p in problems)
			continue
		specialty = cell("specialty")
		out.append(
			SheetRow(
				line=line,
				agent=cell("agent"),
				last_contact=last_contact,
				channel=channel,
				outcome=outcome,
				remarks=cell("remarks"),
				next_step=note if cell("next_step") else "",
				follow_up_date=follow_up,
				practice_name=cell("practice_name"),
				first_name=cell("first_name"),
				last_name=cell("last_name"),
				gender=_GENDERS.get(gender.lower(), ""),
				specialty=specialty,
				is_pcp=bool(re.search(r"\bpcp\b|primary care", specialty, re.I)),
				phone=numbers["phone"],
				fax=numbers["fax"],
				address_line1=cell("address_line1"),
				address_line2=cell("address_line2"),
				city=cell("city"),
				state=cell("state").upper(),
				zip_code=zip_code,
			)
		)
	return out, errors
