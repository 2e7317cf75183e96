"""FHIR R4 referral bundles in, Task and ServiceRequest out, with HL7's published examples.

The ServiceRequest, Patient and Practitioner are the FHIR specification's examples
servicerequest-example-pt.json, patient-example-f001-pieter.json and practitioner-example.json, as
fixtures/README.md describes (written back from the fhir.resources 7.1.0 generated tests).
"""

import base64
import copy
import json
from datetime import datetime

import pytest

from referral_crm.core.referrals.fhir import (
	MAX_ATTACHMENT_BYTES,
	NPI_SYSTEM,
	FHIRInputError,
	capability_statement,
	operation_outcome,
	read_referral_bundle,
	response_bundle,
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
	from referral_crm.core.referrals.fhir import Issue

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
