"""Fill the duplicate-check index for the practices and providers a site already holds."""

from referral_crm.referral_sources.duplicates import DOCTYPES, rebuild_index


def execute():
	for doctype in DOCTYPES:
		rebuild_index(doctype, commit=True)
