from .metadata import REPO, permission_matrix_rows


def test_readme_permission_matrix_matches_the_doctypes():
	readme = REPO.joinpath("README.md").read_text().splitlines()
	for row in permission_matrix_rows():
		assert row in readme, f"README's permission matrix is out of date; expected the row\n{row}"


def test_readme_test_command_is_what_ci_runs():
	readme = REPO.joinpath("README.md").read_text()
	assert "bash .ci/run" in readme
	assert "run-tests --app referral_crm" in readme
