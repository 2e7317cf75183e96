import json
import re

import jinja2
import pytest

from .metadata import APP, module_files

TEMPLATES = sorted(
	[*APP.glob("templates/**/*.html"), *APP.glob("www/**/*.html"), *module_files("print_format")]
)


def jinja_source(path):
	if path.suffix == ".json":
		return json.loads(path.read_text()).get("html") or ""
	return path.read_text()


def test_template_check_reads_every_kind_of_template(tmp_path):
	broken = tmp_path / "broken.html"
	broken.write_text("{% if doc.name %}unclosed")
	with pytest.raises(jinja2.TemplateSyntaxError):
		jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"]).parse(
			jinja_source(broken)
		)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(APP)))
def test_jinja_compiles(path):
	jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"]).parse(jinja_source(path))


# Frappe renders print formats, emails and portal pages with autoescape off: every value must be escaped.
OUTPUT = re.compile(r"\{\{(.*?)\}\}", re.S)
LITERAL_TRANSLATION = re.compile(r"_\((\"[^\"]*\"|'[^']*')\)")
ESCAPED = re.compile(r"\|\s*(e|escape|urlencode)\s*$")
HTML_BY_DESIGN = {"a.body"}  # the agency's own flyer text, a Text Editor field Frappe sanitises on save


def operator_outside_parentheses(expression: str) -> bool:
	"""`a or "" | e` escapes only the "": a filter binds tighter than `or`, `and` and `if`."""
	depth, quote = 0, None
	for i, char in enumerate(expression):
		if quote:
			quote = None if char == quote else quote
		elif char in "\"'":
			quote = char
		elif char in "([{":
			depth += 1
		elif char in ")]}":
			depth -= 1
		elif depth == 0 and re.match(r"\s(or|and|if|else)\s", expression[i:]):
			return True
	return False


def unescaped_outputs(source: str) -> list[str]:
	problems = []
	for expression in (e.strip() for e in OUTPUT.findall(source)):
		if LITERAL_TRANSLATION.fullmatch(expression) or expression in HTML_BY_DESIGN:
			continue
		escaped = ESCAPED.search(expression)
		if not escaped or operator_outside_parentheses(expression[: escaped.start()]):
			problems.append(expression)
	return problems


def test_the_escape_check_catches_a_raw_value():
	assert unescaped_outputs('<p>{{ doc.practice_name }}</p>{{ _("Fax") }}{{ doc.city | e }}') == [
		"doc.practice_name"
	]


def test_the_escape_check_catches_a_filter_that_escapes_only_the_fallback():
	source = '{{ doc.city or "" | e }}{{ (doc.zip or "") | e }}{{ _("at {0}").format(a or "-") | e }}'
	assert unescaped_outputs(source) == ['doc.city or "" | e']


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(APP)))
def test_every_value_in_a_template_is_escaped(path):
	assert not unescaped_outputs(jinja_source(path))
