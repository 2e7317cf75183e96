"""Finding a Provider from what a fax, an EHR or an appointment file says about them."""

import frappe
from frappe.query_builder import DocType

from referral_crm.core.referral_sources.matching import best_match, normalize_name


def split_name(full_name: str | None) -> tuple[str, str]:
	"""("Ana", "Rivera") from "Dr. Ana Rivera, MD"; titles and credentials are dropped."""
	words = [w for w in str(full_name or "").replace(",", " ").split() if normalize_name(w)]
	return " ".join(words[:-1]), (words[-1] if words else "")


def find_provider(npi: str | None, first: str, last: str, phones: list[str]) -> tuple[str | None, str | None]:
	"""(provider, how): by NPI, else by name (same last name) helped by a shared phone or fax number."""
	if npi and (provider := frappe.db.get_value("Provider", {"npi": npi})):
		return provider, "npi"
	if not last:
		return None, None
	table = DocType("Provider")
	# Same last name (the column's collation ignores case) and, when a first name is given, the same
	# initial or a shared number: a name match needs one or the other, and the (last_name,
	# first_name) index answers it without reading every provider with a common surname.
	condition = table.last_name == last.strip()
	initial = normalize_name(first)[:1]
	if initial:
		same_person = table.first_name.like(f"{initial}%")
		numbers = [p for p in phones if p]
		if numbers:
			same_person = same_person | table.phone.isin(numbers) | table.fax.isin(numbers)
		condition = condition & same_person
	candidates = (
		frappe.qb.from_(table)
		.select(table.name, table.provider_name, table.phone, table.fax)
		.where(condition)
		.run(as_dict=True)
	)
	if match := best_match(f"{first} {last}", phones, candidates):
		return match.name, "name"
	return None, None
