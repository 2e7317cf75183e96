"""NUCC Health Care Provider Taxonomy codes, as NPPES records them ("207Q00000X")."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

_TAXONOMY_CODE = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")


def normalize_taxonomy_code(raw: str | None) -> str:
	"""Upper-cased, trimmed code; "" for nothing. Raises ValueError for a malformed code."""
	code = (raw or "").strip().upper()
	if code and not _TAXONOMY_CODE.fullmatch(code):
		raise ValueError(f"{raw!r} is not a NUCC taxonomy code")
	return code


@dataclass(frozen=True, slots=True)
class TaxonomyCode:
	code: str
	grouping: str
	classification: str
	specialization: str
	display_name: str
	section: str


@dataclass(frozen=True, slots=True)
class TaxonomyRowError:
	line: int
	message: str

	def __str__(self) -> str:
		return f"line {self.line}: {self.message}"


_COLUMNS = {
	"code": "code",
	"grouping": "grouping",
	"classification": "classification",
	"specialization": "specialization",
	"display name": "display_name",
	"section": "section",
}


def _decode(raw: bytes) -> str:
	for encoding in ("utf-8-sig", "cp1252"):
		try:
			return raw.decode(encoding)
		except UnicodeDecodeError:
			continue
	return raw.decode("latin-1")


def read_nucc_csv(stream: BinaryIO | TextIO) -> Iterator[TaxonomyCode | TaxonomyRowError]:
	"""Rows of a NUCC code-set CSV (nucc_taxonomy_XXX.csv): codes, or errors that name their line.

	Columns are found by header name, in any order; NUCC's files come in UTF-8 or Windows-1252.
	"""
	content = stream.read()
	text = _decode(content) if isinstance(content, bytes) else content.lstrip("\ufeff")
	reader = csv.reader(io.StringIO(text))
	header = next(reader, None) or []
	index = {}
	for position, name in enumerate(header):
		if (key := _COLUMNS.get(name.strip().lower())) is not None:
			index[key] = position
	if "code" not in index or "classification" not in index:
		yield TaxonomyRowError(1, "the header has no Code and Classification columns")
		return

	def cell(row: list[str], key: str) -> str:
		position = index.get(key)
		return row[position].strip() if position is not None and position < len(row) else ""

	for row in reader:
		line = reader.line_num  # a quoted definition may span lines: cite where the row ends
		if not any(part.strip() for part in row):
			continue
		try:
			code = normalize_taxonomy_code(cell(row, "code"))
		except ValueError:
			yield TaxonomyRowError(line, f"{cell(row, 'code')!r} is not a taxonomy code")
			continue
		if not code:
			yield TaxonomyRowError(line, "no code")
			continue
		yield TaxonomyCode(
			code=code,
			grouping=cell(row, "grouping"),
			classification=cell(row, "classification"),
			specialization=cell(row, "specialization"),
			display_name=cell(row, "display_name"),
			section=cell(row, "section"),
		)


_VERSION_IN_NAME = re.compile(r"nucc_taxonomy_(\d{2})(\d)\b", re.IGNORECASE)


def code_set_version(file_name: str | None) -> str:
	"""NUCC names its files by version: nucc_taxonomy_251.csv is version 25.1; "" when the name says none."""
	found = _VERSION_IN_NAME.search(file_name or "")
	return f"{int(found[1])}.{found[2]}" if found else ""


def version_key(version: str | None) -> tuple[int, ...]:
	"""For comparing versions: "25.1" < "25.2" < "26.0"; no version sorts first."""
	try:
		return tuple(int(part) for part in (version or "").split(".") if part)
	except ValueError:
		return ()


def codes_no_longer_listed(current: set[str], listed: set[str]) -> set[str] | None:
	"""The codes a newer complete code set dropped (NUCC retires a handful a version), to be kept and
	marked deprecated; None when so many are missing that the file cannot be a complete code set."""
	gone = current - listed
	if len(gone) > max(10, len(current) // 20):
		return None
	return gone


PHYSICIANS = "Allopathic & Osteopathic Physicians"


def specialty_name(code: TaxonomyCode) -> str:
	"""How a liaison says it. A physician: the specialization ("Cardiovascular Disease"), qualified by the
	classification when NUCC uses the word under several ("Pain Medicine (Anesthesiology)"), else the
	classification. Everyone and everything else: NUCC's display name ("Family Nurse Practitioner")."""
	if code.grouping != PHYSICIANS:
		return code.display_name or qualified_specialty_name(code)
	if not code.specialization:
		return code.classification or code.display_name or code.code
	if code.specialization in _AMBIGUOUS_SPECIALIZATIONS:
		return qualified_specialty_name(code)
	return code.specialization


def qualified_specialty_name(code: TaxonomyCode) -> str:
	"""The name in full, for when the short one is taken: "Legal Medicine (Other Service Providers)"."""
	if not code.specialization:
		if code.classification and code.grouping:
			return f"{code.classification} ({code.grouping})"
		return code.classification or code.code
	return f"{code.specialization} ({code.classification})"


# Specializations NUCC lists under more than one classification.
_AMBIGUOUS_SPECIALIZATIONS = frozenset(
	{
		"Addiction Medicine",
		"Critical Care Medicine",
		"Hospice and Palliative Medicine",
		"Pain Medicine",
		"Sports Medicine",
		"Sleep Medicine",
		"Geriatric Medicine",
		"Adolescent Medicine",
		"Obesity Medicine",
		"Undersea and Hyperbaric Medicine",
		"Medical Toxicology",
		"Neurodevelopmental Disabilities",
		"Pediatrics",
		"Family Health",
		"Acute Care",
		"Critical Care",
		"Gerontology",
		"Primary Care",
		"Psychiatric/Mental Health",
		"Surgical",
		"Medical",
		"Allergy & Immunology",
		"Clinical & Laboratory Immunology",
		"Clinical Informatics",
		"Dermatopathology",
		"Diagnostic Neuroimaging",
		"Hematology",
		"Molecular Genetic Pathology",
		"Neuromuscular Medicine",
		"Pediatric Emergency Medicine",
		"Surgery of the Hand",
		"Urogynecology and Reconstructive Pelvic Surgery",
		"Physician Nutrition Specialist",
		"Diabetology",
		"Brain Injury Medicine",
	}
)

# Primary care: Family Medicine, General Practice, general Internal Medicine and Pediatrics and their
# geriatric branches, and the nurse practitioners and physician assistants who work as PCPs.
_PRIMARY_CARE_CODES = frozenset(
	{
		"207R00000X",  # Internal Medicine
		"207RG0300X",  # Internal Medicine, Geriatric Medicine
		"207QG0300X",  # Family Medicine, Geriatric Medicine
		"208000000X",  # Pediatrics
		"208D00000X",  # General Practice
		"363LF0000X",  # Nurse Practitioner, Family
		"363LA2200X",  # Nurse Practitioner, Adult Health
		"363LP2300X",  # Nurse Practitioner, Primary Care
		"363LG0600X",  # Nurse Practitioner, Gerontology
		"363LC1500X",  # Nurse Practitioner, Community Health
		"363AM0700X",  # Physician Assistant, Medical
		"261QP2300X",  # Clinic/Center, Primary Care
	}
)


def is_primary_care(code: TaxonomyCode | str) -> bool:
	value = code.code if isinstance(code, TaxonomyCode) else (code or "").upper()
	return value in _PRIMARY_CARE_CODES or value.startswith("207Q")
