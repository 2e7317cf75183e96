"""The FHIR specification's published examples (see fixtures/README.md) and a referral bundle made of them."""

import json
from pathlib import Path

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
FIXTURES = Path(__file__).parent / "fixtures"
NPI = "1234567893"  # valid check digit
ORG_NPI = "1245319599"


def example(name: str) -> dict:
	return json.loads((FIXTURES / name).read_text())


def referral_bundle(kind: str = "transaction") -> dict:
	"""The spec's physiotherapy ServiceRequest sent with its patient and requester. Two references are
	pointed at resources in the bundle (the published example names Patient/example and a requester by
	display only), and the requester gets an NPI, as a US EHR sends it."""
	request = example("servicerequest-example-pt.json")
	request["subject"] = {"reference": "Patient/f001"}
	request["requester"] = {"reference": "Practitioner/example"}
	request["identifier"] = [{"system": "urn:oid:1.2.3.4.5", "value": "RF-0001"}]
	practitioner = example("practitioner-example.json")
	practitioner["identifier"].append({"system": NPI_SYSTEM, "value": NPI})
	entries = [
		{"fullUrl": "http://ehr.example/fhir/ServiceRequest/physical-therapy", "resource": request},
		{
			"fullUrl": "http://ehr.example/fhir/Patient/f001",
			"resource": example("patient-example-f001-pieter.json"),
		},
		{"fullUrl": "http://ehr.example/fhir/Practitioner/example", "resource": practitioner},
	]
	if kind == "transaction":
		for entry in entries:
			rtype = entry["resource"]["resourceType"]
			entry["request"] = {"method": "POST", "url": rtype}
	return {"resourceType": "Bundle", "type": kind, "entry": entries}
