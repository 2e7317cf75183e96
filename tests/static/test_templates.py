import json

import jinja2
import pytest

from .metadata import APP, MODULE

TEMPLATES = sorted(
	[*APP.glob("templates/**/*.html"), *APP.glob("www/**/*.html"), *MODULE.glob("print_format/*/*.json")]
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
