import click
from frappe.commands import get_site, pass_context


@click.group("referral-crm")
def referral_crm():
	"""Referral CRM tools."""


@referral_crm.command("demo")
@click.option("--practices", default=2000, show_default=True)
@click.option("--providers-per-practice", default=3.0, show_default=True)
@click.option("--referrals", default=8000, show_default=True, help="About this many, over the last year")
@click.option("--visits", default=20000, show_default=True)
@click.option("--seed", default=2026, show_default=True)
@pass_context
def demo(context, practices, providers_per_practice, referrals, visits, seed):
	"""Build a realistic demo agency (New York City) on the site."""
	import frappe

	from referral_crm.demo import build

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		# A new site's desk opens on the setup wizard until it has run: run it for the demo agency.
		summary = build(practices, providers_per_practice, referrals, visits, seed, setup_wizard=True)
	finally:
		frappe.destroy()
	for key, value in summary.items():
		click.echo(f"{key}: {value}")


@referral_crm.command("import-nppes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--state", "states", multiple=True, help="Two-letter state code; repeat for more")
@click.option("--zip-prefix", "zip_prefixes", multiple=True, help="Start of a ZIP code; repeat for more")
@click.option("--territory", help="Only the ZIP codes this Referral Territory claims")
@click.option("--taxonomy", "taxonomy_codes", multiple=True, help="NUCC taxonomy code; repeat for more")
@click.option(
	"--entities",
	type=click.Choice(["both", "individuals", "organisations"]),
	default="both",
	show_default=True,
)
@click.option("--practice-locations", type=click.Path(exists=True, dir_okay=False), help="pl_pfile CSV")
@click.option("--other-names", type=click.Path(exists=True, dir_okay=False), help="othername_pfile CSV")
@click.option("--endpoints", type=click.Path(exists=True, dir_okay=False), help="endpoint_pfile CSV")
@pass_context
def import_nppes(
	context,
	path,
	states,
	zip_prefixes,
	territory,
	taxonomy_codes,
	entities,
	practice_locations,
	other_names,
	endpoints,
):
	"""Import CMS's NPPES file (CSV or zip) into Providers and Practices, for files too big to upload.

	The companion files (secondary practice locations, other names, endpoints) are read from CMS's
	zip, or from the CSVs given."""
	import time

	import frappe

	from referral_crm.core.referral_sources.nppes import NppesFilter
	from referral_crm.core.referral_sources.nppes_companions import (
		ENDPOINT,
		OTHER_NAME,
		PRACTICE_LOCATION,
		companions_in_zip,
	)
	from referral_crm.referral_sources.doctype.nppes_import.nppes_import import import_files, territory_zips
	from referral_crm.referral_sources.nppes import NppesImporter

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		row_filter = NppesFilter(
			states=frozenset(s.upper() for s in states),
			zip_prefixes=tuple(zip_prefixes),
			zip_codes=frozenset(territory_zips(territory)) if territory else None,
			taxonomy_codes=frozenset(c.upper() for c in taxonomy_codes),
			entity_types=frozenset({"both": (1, 2), "individuals": (1,), "organisations": (2,)}[entities]),
		)
		started = time.monotonic()

		def progress(summary):
			rate = summary.rows_read / max(time.monotonic() - started, 1e-6)
			click.echo(f"\r{summary.rows_read:,} rows read ({rate:,.0f}/s)", nl=False, err=True)

		sources = dict.fromkeys(companions_in_zip(path), path)
		for kind, given in (
			(PRACTICE_LOCATION, practice_locations),
			(OTHER_NAME, other_names),
			(ENDPOINT, endpoints),
		):
			if given:
				sources[kind] = given
		summary = import_files(NppesImporter(progress=progress), path, row_filter, sources)
		seconds = time.monotonic() - started
	finally:
		frappe.destroy()
	click.echo("", err=True)
	click.echo(summary.as_text())
	click.echo(f"{summary.rows_read / max(seconds, 1e-6):,.0f} rows/s over {seconds:,.1f} s")


@referral_crm.command("hl7-listener")
@click.option("--port", default=2575, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option("--user", required=True, help="The integration user the messages are taken as")
@click.option("--allow", multiple=True, help="Address or network allowed to send (repeat); default any")
@pass_context
def hl7_listener(context, port, host, user, allow):
	"""Take HL7 v2 ADT / SIU messages over MLLP (run it from the Procfile or supervisor)."""
	import asyncio

	import frappe

	from referral_crm.referrals.mllp import serve

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		if not frappe.db.get_value("User", user, "enabled"):
			raise click.ClickException(f"{user} is not an enabled user of {site}")
	finally:
		frappe.destroy()
	click.echo(f"HL7 v2 MLLP listener for {site} on {host}:{port}, messages taken as {user}")
	asyncio.run(serve(site, user, host, port, tuple(allow)))


commands = [referral_crm]
