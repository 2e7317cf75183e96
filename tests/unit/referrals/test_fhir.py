"""FHIR R4 referral bundles in, Task and ServiceRequest out, with HL7's published examples.

The ServiceRequest, Patient and Practitioner are the FHIR specification's examples
servicerequest-example-pt.json, patient-example-f001-pieter.json and practitioner-example.json, as
fixtures/README.md describes (written back from the fhir.resources 7.1.0 generated tests).
"""

import base64
import copy
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from referral_crm.core.referrals.fhir import (
	MAX_ATTACHMENT_BYTES,
	NPI_SYSTEM,
	FHIRInputError,
	IncomingReferral,
	Issue,
	Person,
	capability_statement,
	element_path,
	operation_outcome,
	read_referral_bundle,
	response_bundle,
	search_bundle,
	service_request_for,
	task_for,
	validate,
)

from .fhir_examples import FIXTURES, NPI, ORG_NPI, referral_bundle


def test_the_published_examples_validate_as_they_are():
	for name in FIXTURES.glob("*.json"):
		assert validate(json.loads(name.read_text())).id


def test_a_referral_bundle_reads_as_the_app_s_referral():
	incoming = read_referral_bundle(referral_bundle())
	assert incoming.external_id == "urn:oid:1.2.3.4.5|RF-0001"
	assert incoming.patient == {
		"first_name": "Pieter",
		"last_name": "van de Heuvel",
		"date_of_birth": "1944-11-17",
		"phone": "0648352638",
	}
	assert (incoming.requester.first_name, incoming.requester.last_name, incoming.requester.npi) == (
		"Adam",
		"Careful",
		NPI,
	)
	assert incoming.reason == "assessment of mobility limitations due to osteoarthritis"
	assert incoming.requested_service == "Assessment of passive range of motion"
	assert incoming.occurrence == "2016-09-27"
	assert incoming.diagnosis() == (
		"assessment of mobility limitations due to osteoarthritis\n"
		"Requested: Assessment of passive range of motion, from 2016-09-27"
	)


def test_a_collection_bundle_is_read_the_same_way():
	assert read_referral_bundle(referral_bundle("collection")).external_id == "urn:oid:1.2.3.4.5|RF-0001"


def test_without_an_identifier_the_request_id_is_the_senders_id():
	bundle = referral_bundle()
	del bundle["entry"][0]["resource"]["identifier"]
	assert read_referral_bundle(bundle).external_id == "ServiceRequest/physical-therapy"


def test_a_placer_identifier_is_preferred():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["identifier"].append(
		{
			"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "PLAC"}]},
			"system": "urn:placer",
			"value": "P-9",
		}
	)
	assert read_referral_bundle(bundle).external_id == "urn:placer|P-9"


def test_a_bundle_missing_the_patient_names_the_subject():
	bundle = referral_bundle()
	del bundle["entry"][1]
	with pytest.raises(FHIRInputError) as e:
		read_referral_bundle(bundle)
	(issue,) = e.value.issues
	assert (issue.expression, issue.code) == ("Bundle.entry[0].resource.subject", "required")


def test_a_bundle_without_a_service_request_is_refused():
	bundle = referral_bundle()
	del bundle["entry"][0]
	with pytest.raises(FHIRInputError) as e:
		read_referral_bundle(bundle)
	assert e.value.issues[0].expression == "Bundle.entry"


def test_an_invalid_element_is_named_by_its_path():
	bundle = referral_bundle()
	bundle["entry"][1]["resource"]["birthDate"] = "1944-13-17"
	with pytest.raises(FHIRInputError) as e:
		read_referral_bundle(bundle)
	assert [i.expression for i in e.value.issues] == ["Bundle.entry[1].resource.birthDate"]


def test_an_unknown_element_is_refused():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["referralPriority"] = "high"
	with pytest.raises(FHIRInputError) as e:
		read_referral_bundle(bundle)
	assert e.value.issues[0].expression == "Bundle.entry[0].resource.referralPriority"
	assert e.value.issues[0].code == "structure"


def test_a_searchset_bundle_is_not_a_referral():
	bundle = referral_bundle()
	bundle["type"] = "searchset"
	for entry in bundle["entry"]:
		entry.pop("request", None)
	with pytest.raises(FHIRInputError) as e:
		read_referral_bundle(bundle)
	assert e.value.issues[0].expression == "Bundle.type"


def test_the_requester_through_a_practitioner_role_brings_its_organisation():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["requester"] = {"reference": "PractitionerRole/r1"}
	bundle["entry"] += [
		{
			"fullUrl": "urn:uuid:6f1d0c54-0000-4000-8000-000000000001",
			"resource": {
				"resourceType": "PractitionerRole",
				"id": "r1",
				"practitioner": {"reference": "Practitioner/example"},
				"organization": {"reference": "urn:uuid:6f1d0c54-0000-4000-8000-000000000002"},
			},
		},
		{
			"fullUrl": "urn:uuid:6f1d0c54-0000-4000-8000-000000000002",
			"resource": {
				"resourceType": "Organization",
				"name": "Pleasantville Orthopaedics",
				"identifier": [{"system": NPI_SYSTEM, "value": ORG_NPI}],
				"telecom": [{"system": "fax", "value": "+1 212 555 0100"}],
			},
		},
	]
	for entry in bundle["entry"]:
		entry["request"] = {"method": "POST", "url": entry["resource"]["resourceType"]}
	incoming = read_referral_bundle(bundle)
	assert incoming.requester.npi == NPI
	assert (incoming.organization.last_name, incoming.organization.npi, incoming.organization.fax) == (
		"Pleasantville Orthopaedics",
		ORG_NPI,
		"+1 212 555 0100",
	)


def document_reference(data: bytes | str, title="referral packet.pdf") -> dict:
	encoded = data if isinstance(data, str) else base64.b64encode(data).decode()
	return {
		"fullUrl": "urn:uuid:6f1d0c54-0000-4000-8000-0000000000d1",
		"resource": {
			"resourceType": "DocumentReference",
			"status": "current",
			"content": [{"attachment": {"contentType": "application/pdf", "data": encoded, "title": title}}],
		},
		"request": {"method": "POST", "url": "DocumentReference"},
	}


def test_the_referral_packet_comes_with_it():
	bundle = referral_bundle()
	bundle["entry"].append(document_reference(b"%PDF-1.4 packet"))
	(document,) = read_referral_bundle(bundle).documents
	assert (document.filename, document.content_type) == ("referral packet.pdf", "application/pdf")
	assert base64.b64decode(document.content_base64) == b"%PDF-1.4 packet"


def test_an_attachment_of_exactly_10_mb_is_taken_and_one_byte_more_is_not():
	bundle = referral_bundle()
	bundle["entry"].append(document_reference(b"x" * MAX_ATTACHMENT_BYTES))
	assert len(read_referral_bundle(bundle).documents) == 1
	bundle["entry"][-1] = document_reference(b"x" * (MAX_ATTACHMENT_BYTES + 1))
	with pytest.raises(FHIRInputError) as e:
		read_referral_bundle(bundle)
	(issue,) = e.value.issues
	assert issue.expression == "Bundle.entry[3].resource.content[0].attachment.data"
	assert issue.code == "too-long"


def test_an_attachment_by_url_only_is_noted_not_fetched():
	bundle = referral_bundle()
	entry = document_reference(b"")
	entry["resource"]["content"][0]["attachment"] = {"url": "http://ehr.example/packet.pdf"}
	bundle["entry"].append(entry)
	incoming = read_referral_bundle(bundle)
	assert incoming.documents == []
	assert [(n.severity, n.code) for n in incoming.notes] == [("information", "not-supported")]


REFERRAL = {
	"name": "REF-2026-00001",
	"status": "Received",
	"no_show": 0,
	"external_id": "urn:oid:1.2.3.4.5|RF-0001",
	"received_at": datetime(2026, 3, 2, 9, 0),
	"modified": datetime(2026, 3, 2, 9, 5),
}
BASE = "https://agency.example/fhir/r4"


@pytest.mark.parametrize(
	"status, changes, task_status, business",
	[
		("Accepted", {}, "accepted", "Referral accepted"),
		("Scheduled", {"start_of_care": datetime(2026, 3, 5, 10)}, "in-progress", "Start of care scheduled"),
		("Admitted", {"start_of_care": datetime(2026, 3, 5, 10)}, "in-progress", "Patient admitted"),
		("Discharged", {"discharged_at": datetime(2026, 4, 1)}, "completed", "Patient discharged"),
		("Scheduled", {"no_show": 1}, "on-hold", "Patient did not show"),
		("Not Admitted", {"non_admit_reason": "Outside Service Area"}, "rejected", "Referral declined"),
		("Cancelled", {}, "cancelled", "Referral cancelled"),
	],
)
def test_each_status_is_a_task_on_the_senders_service_request(status, changes, task_status, business):
	task = task_for({**REFERRAL, "status": status, **changes}, BASE, "Sunrise Home Health")
	assert (task["status"], task["businessStatus"]["text"]) == (task_status, business)
	assert task["basedOn"] == [
		{"type": "ServiceRequest", "identifier": {"system": "urn:oid:1.2.3.4.5", "value": "RF-0001"}}
	]
	assert task["focus"] == {"reference": f"{BASE}/ServiceRequest/REF-2026-00001"}
	if status == "Not Admitted":
		assert task["statusReason"] == {"text": "Outside Service Area"}
	else:
		assert "statusReason" not in task


def test_an_admitted_task_carries_the_start_of_care():
	task = task_for({**REFERRAL, "status": "Admitted", "start_of_care": datetime(2026, 3, 5, 10)}, BASE, "A")
	assert task["executionPeriod"]["start"].startswith("2026-03-05T10:00:00")


def test_a_referral_from_a_plain_id_points_at_it_by_identifier_and_ours_by_url():
	assert task_for({**REFERRAL, "external_id": "X-1"}, BASE, "A")["basedOn"] == [
		{"type": "ServiceRequest", "identifier": {"value": "X-1"}}
	]
	assert task_for({**REFERRAL, "external_id": None}, BASE, "A")["basedOn"] == [
		{"reference": f"{BASE}/ServiceRequest/REF-2026-00001"}
	]


def test_the_service_request_read_shows_its_status_and_withholds_the_patient_when_asked():
	request = service_request_for({**REFERRAL, "status": "Not Admitted"}, BASE, None)
	assert request["status"] == "revoked"
	assert request["subject"] == {"display": "(patient data withheld)"}
	assert {"system": "urn:oid:1.2.3.4.5", "value": "RF-0001"}.items() <= request["identifier"][1].items()


def test_outcomes_responses_and_the_capability_statement_are_valid_fhir():
	outcome = operation_outcome([Issue("Bundle.entry", "missing", "required")])
	assert outcome["issue"][0]["expression"] == ["Bundle.entry"]
	response = response_bundle([("ServiceRequest", "REF-1", "201 Created")], [])
	assert response["entry"][0]["response"]["location"] == "ServiceRequest/REF-1"
	statement = capability_statement(BASE, "1.0", "2026-01-01")
	assert statement["fhirVersion"] == "4.0.1"
	assert {r["type"] for r in statement["rest"][0]["resource"]} == {"ServiceRequest", "Task"}


def test_a_task_that_would_be_invalid_fhir_is_never_sent():
	with pytest.raises(KeyError):
		task_for({**REFERRAL, "status": "Lost"}, BASE, "A")
	bad = copy.deepcopy(REFERRAL)
	bad["name"] = "has spaces and / slashes"  # not a FHIR id
	with pytest.raises(Exception):
		task_for(bad, BASE, "A")


def test_an_npi_with_a_wrong_check_digit_names_the_requester():
	bundle = referral_bundle()
	bundle["entry"][2]["resource"]["identifier"][1]["value"] = "1234567890"
	with pytest.raises(FHIRInputError) as e:
		read_referral_bundle(bundle)
	assert e.value.issues[0].expression == "Bundle.entry[0].resource.requester"


def issues_of(call, *args):
	with pytest.raises(FHIRInputError) as e:
		call(*args)
	return [(i.expression, i.diagnostics, i.code, i.severity) for i in e.value.issues]


def test_the_error_message_lists_each_issue_with_its_element():
	error = FHIRInputError([Issue("Bundle.type", "wrong"), Issue("Bundle.entry", "empty", "required")])
	assert str(error) == "Bundle.type: wrong; Bundle.entry: empty"
	assert (error.issues[0].code, error.issues[0].severity) == ("invalid", "error")


def test_something_that_is_not_a_resource_is_named_by_where_it_was_sent():
	message = "a FHIR resource is a JSON object with a resourceType"
	assert issues_of(validate, [1]) == [("Resource", message, "invalid", "error")]
	assert issues_of(validate, {"resourceType": 5}, "Bundle") == [("Bundle", message, "invalid", "error")]
	assert issues_of(validate, {"resourceType": "Referral"}) == [
		("Resource.resourceType", "unknown resource type 'Referral'", "invalid", "error")
	]
	assert issues_of(validate, {"resourceType": "Referral"}, "Bundle") == [
		("Bundle.resourceType", "unknown resource type 'Referral'", "invalid", "error")
	]


def test_each_invalid_element_is_an_issue_with_the_library_s_reason():
	patient = {"resourceType": "Patient", "birthDate": "1944-13-17", "nickname": "Piet"}
	assert issues_of(validate, patient) == [
		("Patient.birthDate", "Date value string does not match spec regex.", "invalid", "error"),
		("Patient.nickname", "Extra inputs are not permitted", "structure", "error"),
	]


def test_a_missing_required_element_is_a_required_issue():
	document = {"resourceType": "DocumentReference", "status": "current", "content": [{}]}
	assert issues_of(validate, document, "Bundle.entry[3].resource") == [
		("Bundle.entry[3].resource.content[0].attachment", "Field required", "required", "error")
	]


def test_at_most_twenty_issues_come_back():
	patient = {"resourceType": "Patient", "name": [{"family": 1}] * 21}
	issues = issues_of(validate, patient)
	assert len(issues) == 20
	assert issues[19][0] == "Patient.name[19].family"


def test_an_element_path_skips_the_union_member_pydantic_names():
	assert element_path("Bundle", ("entry", 0, "resource", "PatientType", "birthDate")) == (
		"Bundle.entry[0].resource.birthDate"
	)
	assert (
		element_path("Patient", ("extension", 1, "valueType", "Code"))
		== "Patient.extension[1].valueType.Code"
	)


def test_a_bundle_of_another_type_is_refused_with_the_type_it_has():
	bundle = referral_bundle()
	bundle["type"] = "searchset"
	for entry in bundle["entry"]:
		entry.pop("request", None)
	assert issues_of(read_referral_bundle, bundle) == [
		("Bundle.type", "send a transaction or collection bundle, not 'searchset'", "value", "error")
	]


def test_a_bundle_with_no_service_request_or_two_says_which():
	bundle = referral_bundle()
	missing = copy.deepcopy(bundle)
	del missing["entry"][0]
	assert issues_of(read_referral_bundle, missing) == [
		(
			"Bundle.entry",
			"the bundle must hold exactly one ServiceRequest (the referral)",
			"required",
			"error",
		)
	]
	second = copy.deepcopy(bundle["entry"][0])
	second["fullUrl"] = "http://ehr.example/fhir/ServiceRequest/second"
	bundle["entry"].append(second)
	assert issues_of(read_referral_bundle, bundle) == [
		(
			"Bundle.entry",
			"the bundle must hold exactly one ServiceRequest (the referral); it holds 2",
			"invalid",
			"error",
		)
	]


def test_a_subject_outside_the_bundle_is_refused_with_the_reason():
	bundle = referral_bundle()
	del bundle["entry"][1]
	assert issues_of(read_referral_bundle, bundle) == [
		(
			"Bundle.entry[0].resource.subject",
			"the ServiceRequest's subject must be a Patient included in the bundle",
			"required",
			"error",
		)
	]


def test_a_subject_that_is_not_a_patient_is_refused():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["subject"] = {"reference": "Practitioner/example"}
	assert issues_of(read_referral_bundle, bundle)[0][0] == "Bundle.entry[0].resource.subject"


def test_an_invalid_npi_is_quoted_with_its_system():
	bundle = referral_bundle()
	bundle["entry"][2]["resource"]["identifier"][1]["value"] = "1234567890"
	assert issues_of(read_referral_bundle, bundle) == [
		(
			"Bundle.entry[0].resource.requester",
			"'1234567890' under http://hl7.org/fhir/sid/us-npi is not a valid NPI",
			"value",
			"error",
		)
	]


def test_an_npi_typed_with_spaces_is_taken_cleaned():
	bundle = referral_bundle()
	bundle["entry"][2]["resource"]["identifier"][1]["value"] = " 1234 567 893 "
	assert read_referral_bundle(bundle).requester.npi == NPI


def test_an_entry_without_a_resource_is_passed_over():
	bundle = referral_bundle()
	bundle["entry"].insert(0, {"request": {"method": "DELETE", "url": "Patient/old"}})
	incoming = read_referral_bundle(bundle)
	assert incoming.external_id == "urn:oid:1.2.3.4.5|RF-0001"
	assert incoming.patient["last_name"] == "van de Heuvel"


def test_a_patient_without_a_family_name_is_named_by_its_entry():
	bundle = referral_bundle()
	bundle["entry"].append(bundle["entry"].pop(1))
	bundle["entry"][2]["resource"]["name"] = [{"given": ["Pieter"]}]
	assert issues_of(read_referral_bundle, bundle) == [
		("Bundle.entry[2].resource.name", "the Patient needs a family name", "required", "error")
	]


def test_a_patient_with_only_a_family_name_and_nothing_else_is_read():
	bundle = referral_bundle()
	bundle["entry"][1]["resource"] = {"resourceType": "Patient", "id": "f001", "name": [{"family": "Heuvel"}]}
	assert read_referral_bundle(bundle).patient == {
		"first_name": "Heuvel",
		"last_name": "Heuvel",
		"date_of_birth": None,
		"phone": None,
	}


def test_the_official_name_is_preferred_and_a_text_name_is_split_at_its_last_word():
	bundle = referral_bundle()
	bundle["entry"][1]["resource"]["name"] = [
		{"use": "usual", "family": "Heuvel", "given": ["Piet"]},
		{"use": "official", "family": " van de Heuvel ", "given": ["Pieter", "Jan"]},
	]
	patient = read_referral_bundle(bundle).patient
	assert (patient["first_name"], patient["last_name"]) == ("Pieter Jan", "van de Heuvel")
	bundle["entry"][1]["resource"]["name"] = [{"text": "Pieter Jan Heuvel"}]
	patient = read_referral_bundle(bundle).patient
	assert (patient["first_name"], patient["last_name"]) == ("Pieter Jan", "Heuvel")


def test_every_element_of_the_practitioner_is_taken():
	bundle = referral_bundle()
	practitioner = bundle["entry"][2]["resource"]
	practitioner["name"] = [{"family": "Careful", "given": ["Adam", "B"], "suffix": ["MD", "PhD"]}]
	practitioner["telecom"] = [
		{"system": "email", "value": "adam@example.org"},
		{"system": "phone"},
		{"system": "phone", "value": "+1 212 555 0101"},
		{"system": "fax", "value": "+1 212 555 0102"},
	]
	practitioner["identifier"].insert(0, {"system": NPI_SYSTEM})
	incoming = read_referral_bundle(bundle)
	assert incoming.requester == Person(
		"Adam B", "Careful", NPI, "MD, PhD", "+1 212 555 0101", "+1 212 555 0102"
	)
	assert incoming.organization is None


def test_a_requester_known_only_by_its_display_is_split_into_names():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["requester"] = {"display": "Mary Ann LEDOUX,"}
	incoming = read_referral_bundle(bundle)
	assert (incoming.requester, incoming.organization) == (Person("Mary Ann", "LEDOUX"), None)
	bundle["entry"][0]["resource"]["requester"] = {
		"reference": "Practitioner/elsewhere",
		"display": "Ann Lee",
	}
	assert read_referral_bundle(bundle).requester == Person("Ann", "Lee")


def test_a_requester_in_the_bundle_is_read_from_the_bundle_not_its_display():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["requester"] = {"reference": "Practitioner/example", "display": "Ann Lee"}
	assert read_referral_bundle(bundle).requester.last_name == "Careful"


def test_no_requester_leaves_both_empty():
	bundle = referral_bundle()
	del bundle["entry"][0]["resource"]["requester"]
	incoming = read_referral_bundle(bundle)
	assert (incoming.requester, incoming.organization) == (None, None)


ORGANIZATION = {
	"fullUrl": "urn:uuid:6f1d0c54-0000-4000-8000-000000000002",
	"resource": {
		"resourceType": "Organization",
		"name": "Pleasantville Orthopaedics",
		"identifier": [{"system": NPI_SYSTEM, "value": ORG_NPI}],
		"telecom": [
			{"system": "phone", "value": "+1 212 555 0199"},
			{"system": "fax", "value": "+1 212 555 0100"},
		],
	},
}


def test_an_organisation_as_the_requester_is_the_referring_organisation():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["requester"] = {"reference": ORGANIZATION["fullUrl"]}
	bundle["entry"].append(copy.deepcopy(ORGANIZATION))
	incoming = read_referral_bundle(bundle)
	assert incoming.requester is None
	assert incoming.organization == Person(
		last_name="Pleasantville Orthopaedics", npi=ORG_NPI, phone="+1 212 555 0199", fax="+1 212 555 0100"
	)


def test_an_organisation_with_an_invalid_npi_is_refused():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["requester"] = {"reference": ORGANIZATION["fullUrl"]}
	organization = copy.deepcopy(ORGANIZATION)
	organization["resource"]["identifier"][0]["value"] = "1245319590"
	bundle["entry"].append(organization)
	assert issues_of(read_referral_bundle, bundle)[0][1] == (
		"'1245319590' under http://hl7.org/fhir/sid/us-npi is not a valid NPI"
	)


def role_bundle(role: dict) -> dict:
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["requester"] = {"reference": "PractitionerRole/r1"}
	bundle["entry"] += [
		{
			"fullUrl": "urn:uuid:6f1d0c54-0000-4000-8000-000000000001",
			"resource": {"resourceType": "PractitionerRole", "id": "r1", **role},
		},
		copy.deepcopy(ORGANIZATION),
	]
	return bundle


def test_a_practitioner_role_lends_its_npi_to_a_practitioner_without_one():
	bundle = role_bundle(
		{
			"practitioner": {"reference": "Practitioner/example"},
			"identifier": [{"system": NPI_SYSTEM, "value": "1679576722"}],
		}
	)
	del bundle["entry"][2]["resource"]["identifier"][1]
	incoming = read_referral_bundle(bundle)
	assert (incoming.requester.last_name, incoming.requester.npi) == ("Careful", "1679576722")
	assert incoming.organization is None


def test_a_practitioner_s_own_npi_wins_over_the_role_s():
	bundle = role_bundle(
		{
			"practitioner": {"reference": "Practitioner/example"},
			"identifier": [{"system": NPI_SYSTEM, "value": "1679576722"}],
		}
	)
	assert read_referral_bundle(bundle).requester.npi == NPI


def test_a_role_with_only_an_organisation_brings_the_organisation_alone():
	incoming = read_referral_bundle(role_bundle({"organization": {"reference": ORGANIZATION["fullUrl"]}}))
	assert incoming.requester is None
	assert incoming.organization.last_name == "Pleasantville Orthopaedics"


def test_references_resolve_by_full_url_by_type_and_id_and_by_the_full_url_s_tail():
	bundle = referral_bundle()
	del bundle["entry"][1]["resource"]["id"]
	bundle["entry"][1]["fullUrl"] = "http://ehr.example/fhir/Patient/PX/"
	bundle["entry"][0]["resource"]["subject"] = {"reference": "Patient/PX"}
	assert read_referral_bundle(bundle).patient["last_name"] == "van de Heuvel"
	bundle["entry"][0]["resource"]["subject"] = {"reference": "http://ehr.example/fhir/Patient/PX/"}
	assert read_referral_bundle(bundle).patient["last_name"] == "van de Heuvel"
	bundle["entry"][1]["fullUrl"] = "urn:uuid:6f1d0c54-0000-4000-8000-0000000000aa"
	bundle["entry"][0]["resource"]["subject"] = {"reference": "urn:uuid:6f1d0c54-0000-4000-8000-0000000000aa"}
	assert read_referral_bundle(bundle).patient["last_name"] == "van de Heuvel"
	bundle["entry"][1]["resource"]["id"] = "p-77"
	bundle["entry"][0]["resource"]["subject"] = {"reference": "Patient/p-77"}
	assert read_referral_bundle(bundle).patient["last_name"] == "van de Heuvel"
	bundle["entry"][0]["resource"]["subject"] = {"reference": "fhir/Patient/p-77"}
	assert issues_of(read_referral_bundle, bundle)[0][0] == "Bundle.entry[0].resource.subject"


def test_a_subject_given_by_display_only_is_not_a_patient():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["subject"] = {"display": "Pieter van de Heuvel"}
	assert issues_of(read_referral_bundle, bundle)[0][0] == "Bundle.entry[0].resource.subject"


def test_the_identifier_without_a_system_is_its_value_and_one_without_a_value_is_passed_over():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["identifier"] = [
		{"system": "urn:empty", "type": {"coding": [{"code": "PLAC"}]}},
		{"type": {"coding": [{"code": "FILL"}]}, "value": "F-1"},
		{"value": "RF-0002"},
	]
	assert read_referral_bundle(bundle).external_id == "F-1"
	bundle["entry"][0]["resource"]["identifier"][1]["type"]["coding"][0]["code"] = "PLAC"
	bundle["entry"][0]["resource"]["identifier"][1]["system"] = "urn:placer"
	assert read_referral_bundle(bundle).external_id == "urn:placer|F-1"


def test_without_identifier_or_id_the_full_url_is_the_senders_id_unless_it_is_a_urn():
	bundle = referral_bundle()
	del bundle["entry"][0]["resource"]["identifier"]
	del bundle["entry"][0]["resource"]["id"]
	assert (
		read_referral_bundle(bundle).external_id == "http://ehr.example/fhir/ServiceRequest/physical-therapy"
	)
	bundle["entry"][0]["fullUrl"] = "urn:uuid:6f1d0c54-0000-4000-8000-0000000000ff"
	assert issues_of(read_referral_bundle, bundle) == [
		(
			"Bundle.entry[0].resource.identifier",
			"the ServiceRequest needs an identifier (or an id) to be received once",
			"required",
			"error",
		)
	]
	del bundle["entry"][0]["fullUrl"]
	assert issues_of(read_referral_bundle, bundle)[0][0] == "Bundle.entry[0].resource.identifier"


def test_reasons_come_from_codes_conditions_in_the_bundle_and_displays():
	bundle = referral_bundle()
	request = bundle["entry"][0]["resource"]
	request["reasonCode"] = [
		{"text": "osteoarthritis"},
		{"coding": [{"code": "M17.0"}, {"code": "M17.1", "display": "Unilateral primary osteoarthritis"}]},
		{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm"}, {"code": "M17.9"}]},
		{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm"}]},
	]
	request["reasonReference"] = [
		{"reference": "Condition/c1"},
		{"reference": "Observation/o1"},
		{"reference": "DiagnosticReport/d1"},
		{"reference": "Condition/elsewhere", "display": "knee pain"},
		{"reference": "Condition/elsewhere"},
		{"reference": "Patient/f001", "display": "the patient"},
	]
	for rtype, rid, text in (
		("Condition", "c1", "gonarthrosis"),
		("Observation", "o1", "gait"),
		("DiagnosticReport", "d1", "x-ray"),
	):
		resource = {"resourceType": rtype, "id": rid, "code": {"text": text}}
		if rtype == "Condition":
			resource["subject"] = {"reference": "Patient/f001"}
		else:
			resource["status"] = "final"
		bundle["entry"].append(
			{"fullUrl": f"urn:uuid:6f1d0c54-0000-4000-8000-0000000000{rid}", "resource": resource}
		)
	assert read_referral_bundle(bundle).reason == (
		"osteoarthritis; Unilateral primary osteoarthritis; M17.9; gonarthrosis; gait; x-ray; knee pain; the patient"
	)


@pytest.mark.parametrize(
	"occurrence, expected",
	[
		({"occurrenceDateTime": "2016-09-27T23:30:00+02:00"}, "2016-09-27"),
		({"occurrenceDateTime": "2016-09"}, "2016-09"),
		({"occurrencePeriod": {"start": "2016-09-28"}}, "2016-09-28"),
		({"occurrencePeriod": {"end": "2016-09-28"}}, ""),
		({}, ""),
	],
)
def test_the_occurrence_is_the_date_asked_for(occurrence, expected):
	bundle = referral_bundle()
	del bundle["entry"][0]["resource"]["occurrenceDateTime"]
	bundle["entry"][0]["resource"].update(occurrence)
	assert read_referral_bundle(bundle).occurrence == expected


def test_the_requested_service_falls_back_to_a_coding_s_display_then_its_code():
	bundle = referral_bundle()
	code = bundle["entry"][0]["resource"]["code"]
	del code["text"]
	assert (
		read_referral_bundle(bundle).requested_service == "Assessment of passive range of motion (procedure)"
	)
	del code["coding"][0]["display"]
	assert read_referral_bundle(bundle).requested_service == "710830005"
	del bundle["entry"][0]["resource"]["code"]
	assert read_referral_bundle(bundle).requested_service == ""


def test_an_urgent_referral_says_so_and_a_routine_one_does_not():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["priority"] = "urgent"
	incoming = read_referral_bundle(bundle)
	assert incoming.priority == "urgent"
	assert incoming.diagnosis().endswith(
		"Requested: Assessment of passive range of motion, priority urgent, from 2016-09-27"
	)
	bundle["entry"][0]["resource"]["priority"] = "routine"
	assert "priority" not in read_referral_bundle(bundle).diagnosis()
	del bundle["entry"][0]["resource"]["priority"]
	assert read_referral_bundle(bundle).priority == ""


def test_the_diagnosis_of_a_referral_with_nothing_asked_is_its_reason_alone():
	incoming = IncomingReferral("x", {}, None, None, reason="osteoarthritis")
	assert incoming.diagnosis() == "osteoarthritis"
	assert IncomingReferral("x", {}, None, None, priority="stat").diagnosis() == "priority stat"
	assert IncomingReferral("x", {}, None, None).diagnosis() == ""


def test_each_inline_file_is_named_from_its_title_its_description_or_its_place():
	bundle = referral_bundle()
	entry = document_reference(b"packet", title=" face sheet ")
	resource = entry["resource"]
	resource["description"] = "Referral packet"
	resource["content"] = [
		{"attachment": {"contentType": "application/pdf", "data": "cGFja2V0", "title": " face sheet "}},
		{"attachment": {"contentType": "image/tiff", "data": "cGFja2V0"}},
		{"attachment": {"contentType": "text/plain", "data": "cGFja2V0", "title": "orders.v2"}},
		{"attachment": {"data": "cGFja2V0", "title": "h&p"}},
		{"attachment": {"contentType": "application/pdf", "data": "cGFja2V0", "title": "discharge.summary"}},
		{"attachment": {"contentType": "application/json", "data": "cGFja2V0", "title": "log.a"}},
	]
	bundle["entry"].append(entry)
	documents = read_referral_bundle(bundle).documents
	assert [(d.filename, d.content_type) for d in documents] == [
		("face sheet.pdf", "application/pdf"),
		("Referral packet.tif", "image/tiff"),
		("orders.v2", "text/plain"),
		("h&p", ""),
		("discharge.summary.pdf", "application/pdf"),
		("log.a", "application/json"),
	]
	assert [d.expression for d in documents] == [
		f"Bundle.entry[3].resource.content[{n}].attachment" for n in range(6)
	]
	assert {d.content_base64 for d in documents} == {"cGFja2V0"}


def test_a_file_with_neither_title_nor_description_is_numbered_from_one():
	bundle = referral_bundle()
	entry = document_reference(b"packet")
	entry["resource"]["content"] = [
		{"attachment": {"url": "http://ehr.example/a.pdf"}},
		{"attachment": {"contentType": "text/plain", "data": "cGFja2V0"}},
		{"attachment": {"contentType": "text/plain", "data": "cGFja2V0", "title": "scan.00001"}},
	]
	bundle["entry"].append(entry)
	incoming = read_referral_bundle(bundle)
	assert [d.filename for d in incoming.documents] == ["referral-document-2.txt", "scan.00001.txt"]
	assert incoming.notes == [
		Issue(
			"Bundle.entry[3].resource.content[0].attachment",
			"only attachments carried inline (data) are kept; a url is not fetched",
			"not-supported",
			"information",
		)
	]


def test_a_file_over_10_mb_is_refused_with_its_size():
	bundle = referral_bundle()
	bundle["entry"].append(document_reference(b"x" * (MAX_ATTACHMENT_BYTES + 1)))
	assert issues_of(read_referral_bundle, bundle) == [
		(
			"Bundle.entry[3].resource.content[0].attachment.data",
			"the attachment is 10485761 bytes; at most 10 MB is accepted",
			"too-long",
			"error",
		)
	]


EAST = timezone(timedelta(hours=2))


def test_a_task_carries_every_element_the_sender_follows():
	referral = {
		**REFERRAL,
		"status": "Discharged",
		"received_at": datetime(2026, 3, 2, 9, 0, tzinfo=EAST),
		"modified": "2026-04-01T17:30:00+02:00",
		"start_of_care": datetime(2026, 3, 5, 10, 0, tzinfo=EAST),
		"discharged_at": datetime(2026, 4, 1, 16, 0, 30, tzinfo=EAST),
	}
	assert task_for(referral, BASE, "Sunrise Home Health") == {
		"resourceType": "Task",
		"id": "REF-2026-00001",
		"identifier": [{"system": f"{BASE}/Task", "value": "REF-2026-00001"}],
		"basedOn": [
			{"type": "ServiceRequest", "identifier": {"system": "urn:oid:1.2.3.4.5", "value": "RF-0001"}}
		],
		"status": "completed",
		"businessStatus": {"text": "Patient discharged"},
		"intent": "order",
		"code": {
			"coding": [
				{
					"system": "http://hl7.org/fhir/CodeSystem/task-code",
					"code": "fulfill",
					"display": "Fulfill the focal request",
				}
			]
		},
		"focus": {"reference": f"{BASE}/ServiceRequest/REF-2026-00001"},
		"authoredOn": "2026-03-02T09:00:00+02:00",
		"lastModified": "2026-04-01T17:30:00+02:00",
		"owner": {"display": "Sunrise Home Health"},
		"executionPeriod": {"start": "2026-03-05T10:00:00+02:00", "end": "2026-04-01T16:00:30+02:00"},
	}


def test_times_without_a_zone_are_the_server_s_local_time_to_the_second():
	task = task_for(
		{
			**REFERRAL,
			"status": "Scheduled",
			"start_of_care": date(2026, 3, 5),
			"discharged_at": date(2026, 4, 1),
		},
		BASE,
		"A",
	)
	assert task["authoredOn"] == datetime(2026, 3, 2, 9, 0).astimezone().isoformat(timespec="seconds")
	assert task["lastModified"] == datetime(2026, 3, 2, 9, 5).astimezone().isoformat(timespec="seconds")
	assert task["executionPeriod"] == {
		"start": datetime(2026, 3, 5).astimezone().isoformat(timespec="seconds")
	}


def test_a_task_without_times_leaves_them_out():
	task = task_for({**REFERRAL, "received_at": None, "modified": ""}, BASE, "A")
	assert "authoredOn" not in task and "lastModified" not in task and "executionPeriod" not in task


def test_the_start_of_care_shows_only_once_the_referral_is_scheduled():
	referral = {**REFERRAL, "start_of_care": datetime(2026, 3, 5, 10, tzinfo=EAST)}
	assert "executionPeriod" not in task_for({**referral, "status": "Accepted"}, BASE, "A")
	assert task_for({**referral, "status": "Scheduled"}, BASE, "A")["executionPeriod"] == {
		"start": "2026-03-05T10:00:00+02:00"
	}
	admitted = task_for({**referral, "status": "Admitted", "discharged_at": datetime(2026, 4, 1)}, BASE, "A")
	assert admitted["executionPeriod"] == {"start": "2026-03-05T10:00:00+02:00"}


@pytest.mark.parametrize(
	"status, task_status",
	[
		("Admitted", "in-progress"),
		("Discharged", "completed"),
		("Cancelled", "cancelled"),
		("Received", "on-hold"),
	],
)
def test_a_no_show_puts_the_task_on_hold_until_the_patient_is_admitted(status, task_status):
	assert task_for({**REFERRAL, "status": status, "no_show": 1}, BASE, "A")["status"] == task_status


def test_a_declined_referral_without_a_reason_is_declined_for_other():
	task = task_for({**REFERRAL, "status": "Not Admitted"}, BASE, "A")
	assert (task["status"], task["statusReason"]) == ("rejected", {"text": "Other"})


@pytest.mark.parametrize(
	"external_id, based_on",
	[
		(
			"http://ehr.example/fhir/ServiceRequest/7",
			{"reference": "http://ehr.example/fhir/ServiceRequest/7"},
		),
		(
			"https://ehr.example/fhir/ServiceRequest/7",
			{"reference": "https://ehr.example/fhir/ServiceRequest/7"},
		),
		("ServiceRequest/physical-therapy", {"reference": "ServiceRequest/physical-therapy"}),
		(
			"urn:oid:1.2.3|RF|7",
			{"type": "ServiceRequest", "identifier": {"system": "urn:oid:1.2.3", "value": "RF|7"}},
		),
	],
)
def test_the_task_points_at_the_sender_s_request_the_way_it_was_named(external_id, based_on):
	assert task_for({**REFERRAL, "external_id": external_id}, BASE, "A")["basedOn"] == [based_on]


def test_the_service_request_read_carries_every_element():
	referral = {
		**REFERRAL,
		"external_id": "urn:oid:1.2.3|RF|7",
		"received_at": datetime(2026, 3, 2, 9, 0, tzinfo=EAST),
		"referring_provider_npi": NPI,
		"referring_provider_name": "Adam Careful",
	}
	assert service_request_for(referral, BASE, "Pieter van de Heuvel") == {
		"resourceType": "ServiceRequest",
		"id": "REF-2026-00001",
		"identifier": [
			{"system": f"{BASE}/ServiceRequest", "value": "REF-2026-00001"},
			{
				"system": "urn:oid:1.2.3",
				"value": "RF|7",
				"type": {
					"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "PLAC"}]
				},
			},
		],
		"status": "active",
		"intent": "order",
		"subject": {"display": "Pieter van de Heuvel"},
		"authoredOn": "2026-03-02T09:00:00+02:00",
		"requester": {"identifier": {"system": NPI_SYSTEM, "value": NPI}, "display": "Adam Careful"},
	}


def test_a_service_request_from_a_plain_id_with_an_unnamed_requester_shows_what_is_known():
	referral = {**REFERRAL, "external_id": "X-1", "received_at": None, "referring_provider_npi": NPI}
	request = service_request_for(referral, BASE, "")
	assert request["identifier"] == [{"system": f"{BASE}/ServiceRequest", "value": "REF-2026-00001"}]
	assert request["subject"] == {"display": "(patient data withheld)"}
	assert request["requester"] == {"identifier": {"system": NPI_SYSTEM, "value": NPI}}
	assert "authoredOn" not in request
	assert "requester" not in service_request_for({**REFERRAL, "external_id": None}, BASE, "P")


def test_an_operation_outcome_lists_each_issue_and_leaves_out_an_empty_expression():
	assert operation_outcome(
		[
			Issue("Bundle.entry", "missing", "required"),
			Issue("", "url not fetched", "not-supported", "information"),
		]
	) == {
		"resourceType": "OperationOutcome",
		"issue": [
			{
				"severity": "error",
				"code": "required",
				"diagnostics": "missing",
				"expression": ["Bundle.entry"],
			},
			{"severity": "information", "code": "not-supported", "diagnostics": "url not fetched"},
		],
	}


def test_the_response_bundle_puts_the_notes_on_the_referral_s_entry():
	note = Issue("Bundle.entry[3].resource.content[0].attachment", "url", "not-supported", "information")
	assert response_bundle(
		[("ServiceRequest", "REF-1", "201 Created"), ("Patient", "P-1", "200 OK")], [note]
	) == {
		"resourceType": "Bundle",
		"type": "transaction-response",
		"entry": [
			{
				"response": {
					"status": "201 Created",
					"location": "ServiceRequest/REF-1",
					"outcome": operation_outcome([note]),
				}
			},
			{"response": {"status": "200 OK", "location": "Patient/P-1"}},
		],
	}


def test_a_search_returns_each_resource_under_its_own_url():
	task = task_for(REFERRAL, BASE, "A")
	url = f"{BASE}/Task?based-on=ServiceRequest/REF-2026-00001"
	assert search_bundle([task], url) == {
		"resourceType": "Bundle",
		"type": "searchset",
		"total": 1,
		"link": [{"relation": "self", "url": url}],
		"entry": [{"fullUrl": f"{BASE}/Task/REF-2026-00001", "resource": task}],
	}
	assert search_bundle([], f"{BASE}/Task")["total"] == 0


def test_the_capability_statement_describes_the_server_exactly():
	assert capability_statement(BASE, "1.4.0", "2026-01-01") == {
		"resourceType": "CapabilityStatement",
		"status": "active",
		"date": "2026-01-01",
		"kind": "instance",
		"software": {"name": "Referral CRM", "version": "1.4.0"},
		"implementation": {"description": "Referral intake and closed-loop status", "url": BASE},
		"fhirVersion": "4.0.1",
		"format": ["json"],
		"rest": [
			{
				"mode": "server",
				"documentation": "Send a referral as a transaction Bundle (POST [base]) or a collection Bundle "
				"(POST [base]/Bundle) with one ServiceRequest, its Patient, the requester and DocumentReferences. "
				"Follow it as ServiceRequest/[id] and Task?based-on=ServiceRequest/[id].",
				"security": {
					"service": [
						{
							"coding": [
								{
									"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
									"code": "OAuth",
								}
							],
							"text": "API key and secret (Authorization: token key:secret) or an OAuth2 bearer token",
						}
					]
				},
				"resource": [
					{"type": "ServiceRequest", "interaction": [{"code": "read"}]},
					{
						"type": "Task",
						"interaction": [{"code": "read"}, {"code": "search-type"}],
						"searchParam": [
							{"name": "based-on", "type": "reference"},
							{"name": "focus", "type": "reference"},
						],
					},
				],
				"interaction": [{"code": "transaction"}],
			}
		],
	}


def test_an_attachment_that_is_not_base64_is_refused_at_its_data():
	bundle = referral_bundle()
	bundle["entry"].append(document_reference("QUJ"))
	assert issues_of(read_referral_bundle, bundle) == [
		(
			"Bundle.entry[3].resource.content[0].attachment.data",
			"Base64 decoding error: 'Incorrect padding'",
			"invalid",
			"error",
		)
	]


def test_what_is_sent_as_the_bundle_is_named_bundle_when_it_is_not_a_resource():
	assert issues_of(read_referral_bundle, []) == [
		("Bundle", "a FHIR resource is a JSON object with a resourceType", "invalid", "error")
	]


def test_a_patient_with_no_name_or_a_blank_one_has_no_family_name():
	for names in ([], [{"text": " "}]):
		bundle = referral_bundle()
		bundle["entry"][1]["resource"]["name"] = names
		if not names:
			del bundle["entry"][1]["resource"]["name"]
		assert issues_of(read_referral_bundle, bundle) == [
			("Bundle.entry[1].resource.name", "the Patient needs a family name", "required", "error")
		]


def test_a_practitioner_without_a_name_and_an_organisation_without_one_are_blank_not_made_up():
	bundle = role_bundle(
		{
			"practitioner": {"reference": "Practitioner/example"},
			"organization": {"reference": ORGANIZATION["fullUrl"]},
		}
	)
	del bundle["entry"][2]["resource"]["name"]
	del bundle["entry"][-1]["resource"]["name"]
	incoming = read_referral_bundle(bundle)
	assert (incoming.requester.first_name, incoming.requester.last_name, incoming.requester.credential) == (
		"",
		"",
		"",
	)
	assert (incoming.organization.last_name, incoming.organization.npi) == ("", ORG_NPI)


def test_a_requested_service_with_neither_text_display_nor_code_is_empty():
	bundle = referral_bundle()
	bundle["entry"][0]["resource"]["code"] = {"coding": [{"system": "http://snomed.info/sct"}]}
	assert read_referral_bundle(bundle).requested_service == ""


def test_an_entry_of_a_resource_type_fhir_does_not_have_is_named_not_a_crash():
	bundle = referral_bundle()
	bundle["entry"].append({"fullUrl": "urn:uuid:odd", "resource": {"resourceType": "NopeType"}})
	with pytest.raises(FHIRInputError) as refused:
		read_referral_bundle(bundle)
	(issue,) = refused.value.issues
	assert issue.expression == f"Bundle.entry[{len(bundle['entry']) - 1}].resource.resourceType"
	assert issue.diagnostics == "unknown resource type 'NopeType'"


def test_a_resource_sent_alone_instead_of_a_bundle_is_refused_by_name():
	patient = next(
		e["resource"] for e in referral_bundle()["entry"] if e["resource"]["resourceType"] == "Patient"
	)
	with pytest.raises(FHIRInputError) as refused:
		read_referral_bundle(patient)
	(issue,) = refused.value.issues
	assert (issue.expression, issue.code) == ("Bundle.resourceType", "value")
	assert "not a 'Patient'" in issue.diagnostics


def test_a_missing_required_element_is_reported_as_required():
	with pytest.raises(FHIRInputError) as refused:
		validate({"resourceType": "ServiceRequest", "intent": "order", "subject": {"reference": "Patient/1"}})
	assert [(i.expression, i.code) for i in refused.value.issues] == [("ServiceRequest.status", "required")]


def test_an_unknown_entry_type_is_named_from_the_bundle_when_no_root_is_given():
	bundle = referral_bundle()
	bundle["entry"].insert(0, {"resource": {"resourceType": "NopeType"}})
	with pytest.raises(FHIRInputError) as refused:
		validate(bundle)
	assert [i.expression for i in refused.value.issues] == ["Bundle.entry[0].resource.resourceType"]
