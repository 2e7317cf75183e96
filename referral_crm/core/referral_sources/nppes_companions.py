"""The files CMS ships beside the NPPES main file, read into records keyed on NPI.

- Practice Location (`pl_pfile_*.csv`): an NPI's secondary practice locations, one row each;
- Other Name (`othername_pfile_*.csv`): an organisation's other names (what the sign on the door
  says, a former legal name), with NPPES's type code;
- Endpoint (`endpoint_pfile_*.csv`): each NPI's Direct messaging addresses and FHIR and other
  endpoints.

Each reader takes a CSV path, CMS's zip (it finds its member) or an open stream, and yields a record
or an `NppesRowError` per data row. Columns are found by name with spacing and punctuation ignored:
CMS's own headers are not consistent (`Address-  Address Line 2`, `Address - City Name`).
"""

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from referral_crm.core.errors import InvalidNPIError
from referral_crm.core.referral_sources.npi import validate_npi
from referral_crm.core.referral_sources.nppes import (
	MAX_FIELD,
	NppesRowError,
	cms_csv,
	cms_value,
	nppes_phone,
	nppes_zip,
)

PRACTICE_LOCATION, OTHER_NAME, ENDPOINT = "pl", "othername", "endpoint"

# NPPES's "Provider Other Organization Name Type Code".
OTHER_NAME_TYPES = {
	"1": "Former Name",
	"2": "Professional Name",
	"3": "Doing Business As",
	"4": "Former Legal Business Name",
	"5": "Other Name",
}
DIRECT = "DIRECT"
FHIR = "FHIR"


@dataclass(frozen=True, slots=True)
class PracticeLocation:
	line: int
	npi: str
	address_line1: str
	address_line2: str
	city: str
	state: str
	zip_code: str
	country_code: str
	phone: str
	fax: str


@dataclass(frozen=True, slots=True)
class OtherName:
	line: int
	npi: str
	name: str
	type_code: str

	@property
	def kind(self) -> str:
		return OTHER_NAME_TYPES.get(self.type_code, "Other Name")


@dataclass(frozen=True, slots=True)
class Endpoint:
	line: int
	npi: str
	endpoint_type: str  # DIRECT, FHIR, CONNECT, SOAP, OTHERS
	endpoint_type_description: str
	endpoint: str
	description: str
	use: str
	content: str
	affiliation_name: str


def _key(name: str) -> str:
	return re.sub(r"[^a-z0-9]", "", name.lower())  # a byte-order mark goes with the other non-letters


def _positions(header: list[str], wanted: dict[str, tuple[str, ...]], kind: str) -> dict[str, int | None]:
	"""Each wanted field's column: the first header whose key ends with one of the field's suffixes."""
	keys = [_key(h) for h in header]
	found: dict[str, int | None] = {}
	for field, suffixes in wanted.items():
		found[field] = next((i for i, k in enumerate(keys) if k.endswith(suffixes)), None)
	if keys[:1] != ["npi"] or any(found[f] is None for f in _REQUIRED[kind]):
		raise ValueError(f"not an NPPES {_TITLES[kind]} file")
	return found


_TITLES = {PRACTICE_LOCATION: "Practice Location", OTHER_NAME: "Other Name", ENDPOINT: "Endpoint"}
_WANTED = {
	PRACTICE_LOCATION: {
		"address_line1": ("addressline1",),
		"address_line2": ("addressline2",),
		"city": ("cityname",),
		"state": ("statename",),
		"postal": ("postalcode",),
		"country": ("countrycodeifoutsideus",),
		"phone": ("telephonenumber",),
		"fax": ("faxnumber",),
	},
	OTHER_NAME: {
		"name": ("otherorganizationname",),
		"type_code": ("otherorganizationnametypecode",),
	},
	ENDPOINT: {
		"endpoint_type": ("endpointtype",),
		"endpoint_type_description": ("endpointtypedescription",),
		"endpoint": ("endpoint",),
		"description": ("endpointdescription",),
		"use": ("usedescription",),
		"other_use": ("otherusedescription",),
		"content": ("contentdescription",),
		"other_content": ("othercontentdescription",),
		"affiliation_name": ("affiliationlegalbusinessname",),
	},
}
_REQUIRED = {
	PRACTICE_LOCATION: ("address_line1", "city", "state", "postal"),
	OTHER_NAME: ("name",),
	ENDPOINT: ("endpoint_type", "endpoint"),
}


def _read(source, kind: str, build: Callable) -> Iterator:
	with cms_csv(source, kind, f"NPPES {_TITLES[kind]}") as reader:
		header = next(reader, None)
		if not header:
			return
		at = _positions(header, _WANTED[kind], kind)
		for row in reader:
			line = reader.line_num
			if not any(row):
				continue
			if len(row) < len(header):
				yield NppesRowError(line, f"{len(row)} columns where the header has {len(header)}")
				continue
			if max(map(len, row)) > MAX_FIELD:
				yield NppesRowError(line, f"a field longer than {MAX_FIELD} characters")
				continue
			try:
				npi = validate_npi(row[0])
			except InvalidNPIError:
				yield NppesRowError(line, f"NPI {row[0][:20]!r} fails the check digit")
				continue
			values = {f: cms_value(row[i]) if i is not None else "" for f, i in at.items()}
			yield build(line, npi, values)


def _location(line: int, npi: str, v: dict) -> PracticeLocation | NppesRowError:
	if not (v["address_line1"] and v["postal"]):
		return NppesRowError(line, "no street address or postal code")
	country = v["country"].upper() or "US"
	us = country == "US"
	return PracticeLocation(
		line=line,
		npi=npi,
		address_line1=v["address_line1"],
		address_line2=v["address_line2"],
		city=v["city"],
		state=v["state"].upper(),
		zip_code=nppes_zip(v["postal"], country),
		country_code=country,
		phone=nppes_phone(v["phone"]) if us else "",
		fax=nppes_phone(v["fax"]) if us else "",
	)


def _other_name(line: int, npi: str, v: dict) -> OtherName | NppesRowError:
	if not v["name"]:
		return NppesRowError(line, "no other name")
	return OtherName(line=line, npi=npi, name=v["name"], type_code=v["type_code"])


def _endpoint(line: int, npi: str, v: dict) -> Endpoint | NppesRowError:
	if not v["endpoint"]:
		return NppesRowError(line, "no endpoint")
	return Endpoint(
		line=line,
		npi=npi,
		endpoint_type=v["endpoint_type"].upper(),
		endpoint_type_description=v["endpoint_type_description"],
		endpoint=v["endpoint"],
		description=v["description"],
		use=v["other_use"] or v["use"],
		content=v["other_content"] or v["content"],
		affiliation_name=v["affiliation_name"],
	)


def read_practice_locations(source) -> Iterator[PracticeLocation | NppesRowError]:
	return _read(source, PRACTICE_LOCATION, _location)


def read_other_names(source) -> Iterator[OtherName | NppesRowError]:
	return _read(source, OTHER_NAME, _other_name)


def read_endpoints(source) -> Iterator[Endpoint | NppesRowError]:
	return _read(source, ENDPOINT, _endpoint)


READERS = {
	PRACTICE_LOCATION: read_practice_locations,
	OTHER_NAME: read_other_names,
	ENDPOINT: read_endpoints,
}


def companions_in_zip(path: str) -> list[str]:
	"""Which of the companion files CMS's zip at `path` holds (by member name), in import order."""
	if not zipfile.is_zipfile(path):
		return []
	with zipfile.ZipFile(path) as archive:
		names = [
			n.lower().rsplit("/", 1)[-1]
			for n in archive.namelist()
			if n.lower().endswith(".csv") and "fileheader" not in n.lower()
		]
	return [kind for kind in READERS if any(n.startswith(f"{kind}_") for n in names)]


def direct_address(endpoints: list[Endpoint]) -> str:
	"""The first Direct messaging address listed: where a visit note reaches the office's EHR."""
	return next((e.endpoint for e in endpoints if e.endpoint_type == DIRECT and "@" in e.endpoint), "")
