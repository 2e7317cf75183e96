import ast
import json

from .metadata import APP, REPO


def test_openapi_documents_every_argument_of_the_intake_endpoint():
	spec = json.loads((REPO / "docs" / "intake-openapi.json").read_text())
	path = "/api/method/referral_crm.api.intake.create_referral"
	assert path in spec["paths"]
	documented = set(
		spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
	)
	published = ast.parse((APP / "api" / "intake.py").read_text())
	assert any(
		isinstance(n, ast.ImportFrom)
		and n.module == "referral_crm.referrals.intake"
		and n.names[0].name == "create_referral"
		for n in published.body
	), "the published path must be the referrals' intake endpoint"
	tree = ast.parse((APP / "referrals" / "intake.py").read_text())
	(function,) = (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "create_referral")
	assert documented == {a.arg for a in function.args.args}
	decorators = {ast.unparse(d) for d in function.decorator_list}
	assert any("methods=['POST']" in d for d in decorators), "intake must be POST only"
	assert not any("allow_guest" in d for d in decorators)


def test_openapi_documents_the_fhir_and_hl7_endpoints_the_site_serves():
	spec = json.loads((REPO / "docs" / "intake-openapi.json").read_text())
	others = {p: ops for p, ops in spec["paths"].items() if not p.startswith("/api/")}
	assert others == {
		"/fhir/r4": {"post": others["/fhir/r4"]["post"]},
		"/fhir/r4/Bundle": {"post": others["/fhir/r4/Bundle"]["post"]},
		"/fhir/r4/metadata": {"get": others["/fhir/r4/metadata"]["get"]},
		"/fhir/r4/ServiceRequest/{id}": {"get": others["/fhir/r4/ServiceRequest/{id}"]["get"]},
		"/fhir/r4/Task/{id}": {"get": others["/fhir/r4/Task/{id}"]["get"]},
		"/fhir/r4/Task": {"get": others["/fhir/r4/Task"]["get"]},
		"/hl7/v2": {"post": others["/hl7/v2"]["post"]},
	}
	source = (APP / "referrals" / "fhir.py").read_text()
	for resource in ("metadata", "ServiceRequest", "Task", "Bundle"):
		assert f'"{resource}"' in source, f"{resource} is documented but not routed"
	assert "referral_crm.referrals.fhir.FHIRServer" in (APP / "hooks.py").read_text()
	only_metadata_is_open = [
		p for p, ops in others.items() for op in ops.values() if op.get("security") == []
	]
	assert only_metadata_is_open == ["/fhir/r4/metadata"]
