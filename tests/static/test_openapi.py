import ast
import json

from .metadata import APP, REPO


def test_openapi_documents_every_argument_of_the_intake_endpoint():
	spec = json.loads((REPO / "docs" / "intake-openapi.json").read_text())
	(path,) = spec["paths"]
	assert path == "/api/method/referral_crm.api.intake.create_referral"
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
