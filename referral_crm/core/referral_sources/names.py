"""How names read in the CRM: registries shout ("MONTEFIORE MEDICAL CENTER"), people do not."""

import re

# Kept upper-case when a shouted name is brought down to title case.
ACRONYMS = frozenset(
	"LLC PLLC PC PA LLP LP INC MD DO NP PA-C RN DPM DDS DMD OD PHD MPH FACP FACC FNP ANP APRN DNP "
	"NY NJ CT PA USA US II III IV HIV ENT OB GYN OBGYN ICU ER SNF ALF VA NYU CUNY SUNY".split()
)
_ORDINAL = re.compile(r"[0-9]*(1ST|2ND|3RD|[0-9]TH)")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")


def _word(match: re.Match) -> str:
	word = match.group(0)
	if word[0].isdigit():  # "161ST" reads "161st"; a unit such as "4B" or "0A590" stays as written
		return word.lower() if _ORDINAL.fullmatch(word) else word
	if word.upper() in ACRONYMS:
		return word.upper()
	parts = re.split(r"([\-'])", word.lower())
	out = "".join(p.capitalize() if p not in "-'" else p for p in parts)
	if out.startswith("Mc") and len(out) > 2:
		out = "Mc" + out[2].upper() + out[3:]
	return out


def proper_case(text: str | None) -> str:
	"""Title case for a name written in capitals; a name already in mixed case is left as written."""
	text = (text or "").strip()
	if not text or text != text.upper():
		return text
	return _WORD.sub(_word, text)


def provider_display_name(
	first: str | None, middle: str | None, last: str | None, credential: str | None
) -> str:
	"""'Ana M Rivera, MD': the name lists and letters show for a provider."""
	full_name = " ".join(part.strip() for part in (first, middle, last) if part and part.strip())
	return f"{full_name}, {credential.strip()}" if credential and credential.strip() else full_name
