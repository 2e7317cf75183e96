"""CMS's NPPES data: the monthly "NPI downloadable file" and the NPI Registry API, read into one record shape.

`read_nppes(path, row_filter)` streams `npidata_pfile_*.csv` (or the zip CMS ships it in) and
yields, for every data row, one of:

- `NppesRecord`: a provider (entity type 1) or an organisation (2) that passed the filter;
- `NppesSkip`: a row left out, with the reason (outside the filter);
- `NppesRowError`: a row that cannot be read, with its line number.

Columns are found by header name once; a row is checked against the filter by index before any
record is built, so the rows a filter drops cost little. Deactivated NPIs (NPPES blanks every other
field of those rows) come out as records with `active=False`, never as active ones.
"""

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from referral_crm.core.errors import InvalidNPIError, InvalidPhoneNumberError, UnreadableFileError
from referral_crm.core.phone import normalize_phone
from referral_crm.core.referral_sources.npi import validate_npi
from referral_crm.core.referral_sources.taxonomy import normalize_taxonomy_code

TAXONOMY_SLOTS = 15
OTHER_IDENTIFIER_SLOTS = 50

# The published column layout of npidata_pfile (330 columns, in this order).
NPPES_HEADER: tuple[str, ...] = (
	"NPI",
	"Entity Type Code",
	"Replacement NPI",
	"Employer Identification Number (EIN)",
	"Provider Organization Name (Legal Business Name)",
	"Provider Last Name (Legal Name)",
	"Provider First Name",
	"Provider Middle Name",
	"Provider Name Prefix Text",
	"Provider Name Suffix Text",
	"Provider Credential Text",
	"Provider Other Organization Name",
	"Provider Other Organization Name Type Code",
	"Provider Other Last Name",
	"Provider Other First Name",
	"Provider Other Middle Name",
	"Provider Other Name Prefix Text",
	"Provider Other Name Suffix Text",
	"Provider Other Credential Text",
	"Provider Other Last Name Type Code",
	"Provider First Line Business Mailing Address",
	"Provider Second Line Business Mailing Address",
	"Provider Business Mailing Address City Name",
	"Provider Business Mailing Address State Name",
	"Provider Business Mailing Address Postal Code",
	"Provider Business Mailing Address Country Code (If outside U.S.)",
	"Provider Business Mailing Address Telephone Number",
	"Provider Business Mailing Address Fax Number",
	"Provider First Line Business Practice Location Address",
	"Provider Second Line Business Practice Location Address",
	"Provider Business Practice Location Address City Name",
	"Provider Business Practice Location Address State Name",
	"Provider Business Practice Location Address Postal Code",
	"Provider Business Practice Location Address Country Code (If outside U.S.)",
	"Provider Business Practice Location Address Telephone Number",
	"Provider Business Practice Location Address Fax Number",
	"Provider Enumeration Date",
	"Last Update Date",
	"NPI Deactivation Reason Code",
	"NPI Deactivation Date",
	"NPI Reactivation Date",
	"Provider Sex Code",
	"Authorized Official Last Name",
	"Authorized Official First Name",
	"Authorized Official Middle Name",
	"Authorized Official Title or Position",
	"Authorized Official Telephone Number",
	*(
		column
		for i in range(1, TAXONOMY_SLOTS + 1)
		for column in (
			f"Healthcare Provider Taxonomy Code_{i}",
			f"Provider License Number_{i}",
			f"Provider License Number State Code_{i}",
			f"Healthcare Provider Primary Taxonomy Switch_{i}",
		)
	),
	*(
		column
		for i in range(1, OTHER_IDENTIFIER_SLOTS + 1)
		for column in (
			f"Other Provider Identifier_{i}",
			f"Other Provider Identifier Type Code_{i}",
			f"Other Provider Identifier State_{i}",
			f"Other Provider Identifier Issuer_{i}",
		)
	),
	"Is Sole Proprietor",
	"Is Organization Subpart",
	"Parent Organization LBN",
	"Parent Organization TIN",
	"Authorized Official Name Prefix Text",
	"Authorized Official Name Suffix Text",
	"Authorized Official Credential Text",
	*(f"Healthcare Provider Taxonomy Group_{i}" for i in range(1, TAXONOMY_SLOTS + 1)),
	"Certification Date",
)

# Files before 2023 call the sex column "Provider Gender Code".
_ALIASES = {"Provider Gender Code": "Provider Sex Code"}
_GENDERS = {"M": "Male", "F": "Female"}
_US = "US"


@dataclass(frozen=True, slots=True)
class NppesRecord:
	line: int
	npi: str
	entity_type: int  # 1 individual, 2 organisation, 0 unknown (a deactivated row says nothing else)
	active: bool
	first_name: str = ""
	middle_name: str = ""
	last_name: str = ""
	credential: str = ""
	gender: str = ""
	organization_name: str = ""
	is_subpart: bool = False
	parent_organization_name: str = ""
	address_line1: str = ""
	address_line2: str = ""
	city: str = ""
	state: str = ""
	zip_code: str = ""
	country_code: str = _US
	phone: str = ""
	fax: str = ""
	primary_taxonomy: str = ""
	taxonomies: tuple[str, ...] = ()
	enumeration_date: date | None = None
	last_update_date: date | None = None
	deactivation_date: date | None = None


@dataclass(frozen=True, slots=True)
class NppesSkip:
	line: int
	reason: str


@dataclass(frozen=True, slots=True)
class NppesRowError:
	line: int
	message: str


@dataclass(frozen=True)
class NppesFilter:
	"""Which rows to take; an empty part takes everything. `zip_codes` None means no ZIP list."""

	states: frozenset[str] = frozenset()
	zip_prefixes: tuple[str, ...] = ()
	zip_codes: frozenset[str] | None = None
	taxonomy_codes: frozenset[str] = frozenset()
	entity_types: frozenset[int] = frozenset({1, 2})


@lru_cache(maxsize=8192)
def parse_date(text: str) -> date | None:
	"""NPPES writes MM/DD/YYYY; the API writes YYYY-MM-DD."""
	text = text.strip()
	if not text:
		return None
	try:
		if "/" in text:
			month, day, year = text.split("/")
			return date(int(year), int(month), int(day))
		year, month, day = text[:10].split("-")
		return date(int(year), int(month), int(day))
	except ValueError:
		return None


# Where CMS withholds a value it writes a token in angle brackets (`<UNAVAIL>` in every organisation's
# EIN): data meaning "no value", not markup.
_WITHHELD = re.compile(r"<[A-Z][A-Z -]*>")


def cms_value(raw: str) -> str:
	"""A cell as text, "" for nothing or a token of CMS's that stands for no value."""
	raw = raw.strip()
	return "" if _WITHHELD.fullmatch(raw) else raw


def nppes_phone(raw: str) -> str:
	"""NPPES phones are ten bare digits; E.164 as the phone rules give it, "" for one that cannot be read.

	Validity is decided for the whole number: within one area code and exchange the numbering plan
	can allow some line numbers and not others (876-606-0xxx is valid, 876-606-2xxx is not).
	"""
	return _normalized(raw)


@lru_cache(maxsize=65536)
def _normalized(raw: str) -> str:
	try:
		return normalize_phone(raw)
	except InvalidPhoneNumberError:
		return ""


def nppes_zip(raw: str, country: str) -> str:
	raw = raw.strip()
	if country != _US:
		return raw
	digits = raw.replace("-", "")
	return digits[:5] if len(digits) in (5, 9) and digits.isdigit() else ""


def _is_active(deactivated: date | None, reactivated: date | None) -> bool:
	return deactivated is None or (reactivated is not None and reactivated >= deactivated)


class _Columns:
	"""Column positions resolved once from the header."""

	def __init__(self, header: list[str]):
		position = {}
		for i, name in enumerate(header):
			name = name.strip().lstrip("\ufeff")
			position[_ALIASES.get(name, name)] = i
		missing = [c for c in ("NPI", "Entity Type Code", "Last Update Date") if c not in position]
		if missing:
			raise ValueError(f"not an NPPES file: no {', '.join(missing)} column")
		self.get = position.get
		self.npi = position["NPI"]
		self.entity = position["Entity Type Code"]
		self.state = position.get("Provider Business Practice Location Address State Name")
		self.postal = position.get("Provider Business Practice Location Address Postal Code")
		self.taxonomy = [
			(
				position.get(f"Healthcare Provider Taxonomy Code_{i}"),
				position.get(f"Healthcare Provider Primary Taxonomy Switch_{i}"),
			)
			for i in range(1, TAXONOMY_SLOTS + 1)
			if position.get(f"Healthcare Provider Taxonomy Code_{i}") is not None
		]
		self.record = tuple(position.get(name) for name in _RECORD_COLUMNS)
		self.width = len(header)


def open_cms_text(source, member: str) -> tuple[Iterable[str], object]:
	"""A text stream over a CSV path, a zip path (its `member`_pfile CSV) or an open binary/text stream."""
	if hasattr(source, "read"):
		stream = (
			source
			if isinstance(source, io.TextIOBase)
			else io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
		)
		return stream, None
	if zipfile.is_zipfile(source):
		archive = zipfile.ZipFile(source)
		members = [
			n for n in archive.namelist() if n.lower().endswith(".csv") and "fileheader" not in n.lower()
		]
		data = [n for n in members if f"{member}_" in n.lower().rsplit("/", 1)[-1]]
		if member == "npidata":
			data = data or members
		if not data:
			archive.close()
			raise ValueError(f"the zip holds no {member} CSV file")
		return io.TextIOWrapper(archive.open(data[0]), encoding="utf-8-sig", newline=""), archive
	stream = open(source, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the reader
	return stream, None


def read_nppes(
	source, row_filter: NppesFilter | None = None
) -> Iterator[NppesRecord | NppesSkip | NppesRowError]:
	"""Every data row of the file as a record, a skip or an error (see the module docstring)."""
	row_filter = row_filter or NppesFilter()
	with cms_csv(source) as reader:
		header = next(reader, None)
		if not header:
			return
		columns = _Columns(header)
		yield from _rows(reader, columns, row_filter)


@contextmanager
def cms_csv(source, member: str = "npidata", title: str = "NPPES"):
	"""A CSV reader over one of CMS's files; a file that is not a CSV in UTF-8 is refused whole."""
	stream, archive = open_cms_text(source, member)
	try:
		yield csv.reader(stream)
	except (UnicodeDecodeError, csv.Error) as error:
		raise UnreadableFileError(
			f"The file is not an {title} CSV in UTF-8 ({error.__class__.__name__})."
		) from None
	finally:
		stream.close()
		if archive:
			archive.close()


MAX_FIELD = 300  # the published layout's longest field is 300 characters (most are 70 or fewer)


def _rows(reader, columns: _Columns, f: NppesFilter) -> Iterator[NppesRecord | NppesSkip | NppesRowError]:
	states, prefixes, zips, codes, entities = (
		f.states,
		f.zip_prefixes,
		f.zip_codes,
		f.taxonomy_codes,
		f.entity_types,
	)
	state_i, postal_i, entity_i, npi_i = columns.state, columns.postal, columns.entity, columns.npi
	taxonomy_i = [code for code, _switch in columns.taxonomy]
	deactivation_i = columns.get("NPI Deactivation Date")
	for row in reader:
		line = reader.line_num
		if len(row) < columns.width:
			if not any(row):
				continue
			yield NppesRowError(line, f"{len(row)} columns where the header has {columns.width}")
			continue
		entity = row[entity_i]
		if not entity:  # a deactivated NPI: nothing but the NPI and the dates
			if deactivation_i is not None and row[deactivation_i]:
				yield _deactivated(row, line, columns)
			else:
				yield NppesRowError(line, "no entity type")
			continue
		if entity not in ("1", "2"):
			yield NppesRowError(line, f"entity type {entity!r} is neither 1 nor 2")
			continue
		if entities and int(entity) not in entities:
			yield NppesSkip(line, "entity type not imported")
			continue
		if states and row[state_i].strip().upper() not in states:
			yield NppesSkip(line, "outside the states")
			continue
		if prefixes or zips is not None:
			postal = row[postal_i]
			if prefixes and not postal.startswith(prefixes):
				yield NppesSkip(line, "outside the ZIP codes")
				continue
			if zips is not None and postal[:5] not in zips:
				yield NppesSkip(line, "outside the territory")
				continue
		if codes and not any(row[i] in codes for i in taxonomy_i):
			yield NppesSkip(line, "no listed taxonomy code")
			continue
		if max(map(len, row)) > MAX_FIELD:
			yield NppesRowError(line, f"a field longer than {MAX_FIELD} characters")
			continue
		try:
			npi = validate_npi(row[npi_i])
		except InvalidNPIError:
			yield NppesRowError(line, f"NPI {row[npi_i][:20]!r} fails the check digit")
			continue
		yield _record(row, line, npi, int(entity), columns)


def _deactivated(row: list[str], line: int, columns: _Columns) -> NppesRecord | NppesRowError:
	try:
		npi = validate_npi(row[columns.npi])
	except InvalidNPIError:
		return NppesRowError(line, f"NPI {row[columns.npi]!r} fails the check digit")
	get = columns.get
	deactivated = parse_date(row[get("NPI Deactivation Date")])
	reactivation_i = get("NPI Reactivation Date")
	reactivated = parse_date(row[reactivation_i]) if reactivation_i is not None else None
	return NppesRecord(
		line=line,
		npi=npi,
		entity_type=0,
		active=_is_active(deactivated, reactivated),
		deactivation_date=deactivated,
		last_update_date=parse_date(row[get("Last Update Date")]),
	)


_RECORD_COLUMNS = (
	"Provider First Name",
	"Provider Middle Name",
	"Provider Last Name (Legal Name)",
	"Provider Credential Text",
	"Provider Sex Code",
	"Provider Organization Name (Legal Business Name)",
	"Is Organization Subpart",
	"Parent Organization LBN",
	"Provider First Line Business Practice Location Address",
	"Provider Second Line Business Practice Location Address",
	"Provider Business Practice Location Address City Name",
	"Provider Business Practice Location Address State Name",
	"Provider Business Practice Location Address Postal Code",
	"Provider Business Practice Location Address Country Code (If outside U.S.)",
	"Provider Business Practice Location Address Telephone Number",
	"Provider Business Practice Location Address Fax Number",
	"Provider Enumeration Date",
	"Last Update Date",
	"NPI Deactivation Date",
	"NPI Reactivation Date",
)


def _record(row: list[str], line: int, npi: str, entity: int, columns: _Columns) -> NppesRecord:
	(
		first,
		middle,
		last,
		credential,
		sex,
		organisation,
		subpart,
		parent,
		street1,
		street2,
		city,
		state,
		postal,
		country,
		phone,
		fax,
		enumerated,
		updated,
		deactivated,
		reactivated,
	) = (cms_value(row[i]) if i is not None else "" for i in columns.record)
	country = country.upper() or _US
	taxonomies, primary = [], ""
	for code_i, switch_i in columns.taxonomy:
		raw = row[code_i]
		if not raw:
			continue
		code = _taxonomy(raw)
		taxonomies.append(code)
		if not primary and switch_i is not None and row[switch_i] in ("Y", "y"):
			primary = code
	deactivation_date = parse_date(deactivated)
	us = country == _US
	return NppesRecord(
		line=line,
		npi=npi,
		entity_type=entity,
		active=_is_active(deactivation_date, parse_date(reactivated)),
		first_name=first,
		middle_name=middle,
		last_name=last,
		credential=credential,
		gender=_GENDERS.get(sex.upper(), ""),
		organization_name=organisation,
		is_subpart=subpart.upper() == "Y",
		parent_organization_name=parent,
		address_line1=street1,
		address_line2=street2,
		city=city,
		state=state.upper(),
		zip_code=nppes_zip(postal, country),
		country_code=country,
		phone=nppes_phone(phone) if us else "",
		fax=nppes_phone(fax) if us else "",
		primary_taxonomy=primary or (taxonomies[0] if taxonomies else ""),
		taxonomies=tuple(taxonomies),
		enumeration_date=parse_date(enumerated),
		last_update_date=parse_date(updated),
		deactivation_date=deactivation_date,
	)


@lru_cache(maxsize=4096)
def _taxonomy(raw: str) -> str:
	try:
		return normalize_taxonomy_code(raw)
	except ValueError:
		return raw.strip().upper()  # kept as NPPES gave it; the importer flags it as unknown


def estimate_rows(path: str, sample_bytes: int = 4 << 20) -> int:
	"""About how many data rows the file has, from the size and the length of the first rows (for a progress bar)."""
	if zipfile.is_zipfile(path):
		with zipfile.ZipFile(path) as archive:
			members = [
				i
				for i in archive.infolist()
				if i.filename.lower().endswith(".csv") and "fileheader" not in i.filename.lower()
			]
			if not members:
				return 0
			info = max(members, key=lambda i: i.file_size)
			with archive.open(info) as stream:
				sample = stream.read(sample_bytes)
			size = info.file_size
	else:
		size = os.path.getsize(path)
		with open(path, "rb") as stream:
			sample = stream.read(sample_bytes)
	lines = sample.count(b"\n")
	if not lines:
		return 0
	if len(sample) >= size:
		return max(lines - 1, 0)
	return int(size / (len(sample) / lines)) - 1


def record_from_api(result: dict) -> NppesRecord:
	"""One result of the NPI Registry API (version 2.1) in the same shape as a file row."""
	basic = result.get("basic") or {}
	entity = 2 if str(result.get("enumeration_type", "")).upper() == "NPI-2" else 1
	addresses = result.get("addresses") or []
	location = next(
		(a for a in addresses if a.get("address_purpose") == "LOCATION"), addresses[0] if addresses else {}
	)
	country = (location.get("country_code") or _US).upper()
	taxonomies = result.get("taxonomies") or []
	codes = []
	for t in taxonomies:
		try:
			codes.append(normalize_taxonomy_code(t.get("code")))
		except ValueError:
			codes.append(str(t.get("code")).upper())  # a code that fails is never empty
	primary = next(
		(c for t, c in zip(taxonomies, codes, strict=True) if t.get("primary")), codes[0] if codes else ""
	)
	deactivated = parse_date(basic.get("deactivation_date") or "")
	reactivated = parse_date(basic.get("reactivation_date") or "")
	status = str(basic.get("status") or "A").upper()
	return NppesRecord(
		line=0,
		npi=validate_npi(result.get("number")),
		entity_type=entity,
		active=status == "A" and _is_active(deactivated, reactivated),
		first_name=basic.get("first_name") or "",
		middle_name=basic.get("middle_name") or "",
		last_name=basic.get("last_name") or "",
		credential=basic.get("credential") or "",
		gender=_GENDERS.get(str(basic.get("sex") or basic.get("gender") or "").upper(), ""),
		organization_name=basic.get("organization_name") or "",
		is_subpart=str(basic.get("organizational_subpart") or "").upper() == "YES",
		parent_organization_name=basic.get("parent_organization_legal_business_name") or "",
		address_line1=location.get("address_1") or "",
		address_line2=location.get("address_2") or "",
		city=location.get("city") or "",
		state=(location.get("state") or "").upper(),
		zip_code=nppes_zip(location.get("postal_code") or "", country),
		country_code=country,
		phone=nppes_phone(re.sub(r"\D", "", location.get("telephone_number") or ""))
		if country == _US
		else "",
		fax=nppes_phone(re.sub(r"\D", "", location.get("fax_number") or "")) if country == _US else "",
		primary_taxonomy=primary,
		taxonomies=tuple(codes),
		enumeration_date=parse_date(basic.get("enumeration_date") or ""),
		last_update_date=parse_date(basic.get("last_updated") or ""),
		deactivation_date=deactivated,
	)
