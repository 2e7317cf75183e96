# Copyright (c) 2026, referral_crm contributors
# See license.txt

import frappe
from frappe.model.workflow import WorkflowPermissionError
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime

from referral_crm.referrals.doctype.referral.referral import DuplicateReferral, MissingNonAdmitReason
from referral_crm.testing import (
	OTHER_APPS_RECORDS,
	make_practice,
	make_provider,
	make_referral,
	make_territory,
	make_user,
	move_referral,
)

test_ignore = OTHER_APPS_RECORDS


class TestReferral(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_referring_practice_comes_from_the_providers_primary_practice(self):
		territory = make_territory()
		practice = make_practice(referral_territory=territory.name)
		provider = make_provider(practices=[practice.name])
		referral = make_referral(referring_provider=provider.name)
		self.assertEqual(referral.referring_practice, practice.name)
		self.assertEqual(referral.referral_territory, territory.name)

	def test_a_chosen_referring_practice_is_kept(self):
		home, other = make_practice(), make_practice()
		provider = make_provider(practices=[home.name])
		referral = make_referral(referring_provider=provider.name, referring_practice=other.name)
		self.assertEqual(referral.referring_practice, other.name)

	def test_attributed_liaison_is_frozen_at_receipt(self):
		first, second = make_user(["Physician Liaison"]), make_user(["Physician Liaison"])
		practice = make_practice(liaison=first)
		referral = make_referral(referring_practice=practice.name)
		self.assertEqual(referral.attributed_liaison, first)

		frappe.db.set_value("Practice", practice.name, "liaison", second)
		referral.attributed_liaison = second
		referral.diagnosis = "Updated reason"
		referral.save()
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "attributed_liaison"), first)
		self.assertEqual(make_referral(referring_practice=practice.name).attributed_liaison, second)

	def test_external_id_is_unique(self):
		external_id = f"FAX-{frappe.generate_hash(length=8)}"
		first = make_referral(external_id=external_id)
		with self.assertRaises(DuplicateReferral) as raised:
			make_referral(external_id=f" {external_id} ")
		self.assertIn(first.name, str(raised.exception))
		self.assertEqual(frappe.db.count("Referral", {"external_id": external_id}), 1)
		make_referral(external_id="")  # blank ids never collide
		make_referral(external_id="")

	def test_patient_phone_is_normalised(self):
		self.assertEqual(make_referral(patient_phone="(929) 555-0188").patient_phone, "+19295550188")

	def test_lifecycle_stamps_accepted_start_of_care_and_discharge(self):
		referral = make_referral()
		move_referral(referral, "In Review", "Accepted")
		self.assertTrue(referral.accepted_at)
		self.assertFalse(referral.start_of_care)
		move_referral(referral, "Scheduled", "Admitted", "Discharged")
		self.assertTrue(referral.accepted_at <= referral.start_of_care <= referral.discharged_at)

	def test_a_start_of_care_entered_by_a_person_is_kept(self):
		referral = make_referral()
		soc = add_days(now_datetime(), -1).replace(microsecond=0)
		move_referral(referral, "Accepted", "Scheduled")
		move_referral(referral, "Admitted", start_of_care=soc)
		self.assertEqual(referral.start_of_care, soc)

	def test_not_admitted_needs_a_reason(self):
		referral = make_referral()
		with self.assertRaises(MissingNonAdmitReason):
			move_referral(referral, "Not Admitted")
		self.assertEqual(frappe.db.get_value("Referral", referral.name, "status"), "Received")
		move_referral(referral, "Not Admitted", non_admit_reason="Insurance Not Accepted")
		self.assertEqual(referral.status, "Not Admitted")

	def test_transitions_are_limited_to_the_roles_that_do_the_job(self):
		coordinator = make_user(["Referral Coordinator"])
		intake = make_user(["Intake Coordinator"])
		referral = make_referral()
		move_referral(referral, "Accepted", "Scheduled")

		frappe.set_user(coordinator)
		with self.assertRaises(WorkflowPermissionError):
			move_referral(frappe.get_doc("Referral", referral.name), "Admitted")

		frappe.set_user(intake)
		move_referral(frappe.get_doc("Referral", referral.name), "Admitted")
		with self.assertRaises(WorkflowPermissionError):
			move_referral(frappe.get_doc("Referral", referral.name), "Discharged")

		frappe.set_user(coordinator)
		referral = move_referral(frappe.get_doc("Referral", referral.name), "Discharged")
		self.assertEqual(referral.status, "Discharged")

	def test_skipping_states_is_refused(self):
		referral = make_referral()
		with self.assertRaises(WorkflowPermissionError):
			move_referral(referral, "Admitted")

	def test_practice_and_provider_counts_follow_referrals(self):
		practice = make_practice()
		provider = make_provider(practices=[practice.name])
		first = make_referral(referring_provider=provider.name, received_at=add_days(now_datetime(), -2))
		make_referral(referring_provider=provider.name)
		cancelled = make_referral(referring_provider=provider.name)
		move_referral(cancelled, "Cancelled")
		move_referral(first, "Accepted", "Scheduled", "Admitted")

		practice.reload()
		provider.reload()
		self.assertEqual((practice.total_referrals, practice.admitted_referrals), (2, 1))
		self.assertEqual(practice.last_referral_date, getdate())
		self.assertEqual(provider.total_referrals, 2)

		other = make_practice()
		first.reload()
		first.referring_practice = other.name
		first.referring_provider = None
		first.save()
		self.assertEqual(frappe.db.get_value("Practice", practice.name, "total_referrals"), 1)
		self.assertEqual(frappe.db.get_value("Practice", other.name, "admitted_referrals"), 1)
