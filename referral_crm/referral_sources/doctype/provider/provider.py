# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.contacts.address_and_contact import load_address_and_contact
from frappe.model.document import Document

from referral_crm.core.referral_sources.names import provider_display_name
from referral_crm.referral_sources.identifiers import (
	formatted_numbers,
	set_npi,
	set_phone_numbers,
	set_taxonomy_code,
)
from referral_crm.referral_sources.permissions import check_practice_access
from referral_crm.referral_sources.taxonomies import specialty_for_taxonomy
from referral_crm.referral_sources.territories import territory_of_practice

NUMBER_FIELDS = ("phone", "fax")


class Provider(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.referral_sources.doctype.provider_practice.provider_practice import ProviderPractice

		birthday: DF.Date | None
		credential: DF.Data | None
		email: DF.Data | None
		fax: DF.Data | None
		first_name: DF.Data
		gender: DF.Link | None
		is_pcp: DF.Check
		last_name: DF.Data
		last_referral_date: DF.Date | None
		middle_name: DF.Data | None
		needs_review: DF.Check
		notes: DF.SmallText | None
		npi: DF.Data | None
		npi_deactivated_on: DF.Date | None
		nppes_updated_on: DF.Date | None
		phone: DF.Data | None
		practices: DF.Table[ProviderPractice]
		primary_practice: DF.Link | None
		provider_name: DF.Data | None
		referral_territory: DF.Link | None
		specialty: DF.Link | None
		specialty_overridden: DF.Check
		taxonomy_code: DF.Data | None
		total_referrals: DF.Int
		unknown_taxonomy: DF.Check

	# end: auto-generated types
	def onload(self):
		load_address_and_contact(self)
		self.set_onload("numbers", formatted_numbers(self, NUMBER_FIELDS))

	def validate(self):
		self.set_provider_name()
		set_npi(self)
		set_phone_numbers(self, NUMBER_FIELDS)
		set_taxonomy_code(self)
		self.set_specialty_from_taxonomy()
		check_practice_access(self, [row.practice for row in self.practices])
		self.set_primary_practice()
		self.referral_territory = territory_of_practice(self.primary_practice)
		self.set_pcp_from_specialty()

	def set_provider_name(self):
		self.provider_name = provider_display_name(
			self.first_name, self.middle_name, self.last_name, self.credential
		)

	def set_primary_practice(self):
		"""Exactly one practice row is primary: the one ticked, else the first."""
		seen = set()
		for row in self.practices:
			if row.practice in seen:
				frappe.throw(_("Row {0}: practice {1} is listed twice.").format(row.idx, row.practice))
			seen.add(row.practice)

		primary = [row for row in self.practices if row.is_primary]
		if len(primary) > 1:
			frappe.throw(
				_("Only one practice can be the primary practice; rows {0} are all ticked.").format(
					", ".join(str(row.idx) for row in primary)
				)
			)
		if not primary and self.practices:
			self.practices[0].is_primary = 1
			primary = [self.practices[0]]
		self.primary_practice = primary[0].practice if primary else None

	def set_specialty_from_taxonomy(self):
		"""The specialty follows the primary taxonomy code until a person picks another one."""
		mapped = specialty_for_taxonomy(self.taxonomy_code)
		self.unknown_taxonomy = int(
			bool(self.taxonomy_code) and not frappe.db.exists("Provider Taxonomy", self.taxonomy_code)
		)
		if self.has_value_changed("specialty"):
			self.specialty_overridden = int(bool(self.specialty) and self.specialty != mapped)
		if mapped and not self.specialty_overridden:
			self.specialty = mapped

	def set_pcp_from_specialty(self):
		if self.specialty and self.has_value_changed("specialty"):
			if frappe.db.get_value("Specialty", self.specialty, "is_primary_care"):
				self.is_pcp = 1


def on_doctype_update():
	# Matching a referrer by name: same last name, then the first name's initial.
	frappe.db.add_index("Provider", ["last_name", "first_name"])
