"""Reads that run on a MariaDB read replica when the site has one, and on the primary when it cannot.

Frappe reads from a replica inside `frappe.read_only()` when site_config has `read_from_replica`,
`replica_host` and `replica_db_port`: its desk report runner, list and report views, counts and
exports. It does not ask whether the replica is up or how far behind it is: a stopped replica fails
the report with a connection error, a lagging one shows old figures. Here:

- `reads_from_replica` marks the app's own reads (every script report's `execute`, the weekly alert
  job's judging): on the replica when one is configured and current, on the primary otherwise, and
  on the primary again if the replica fails half way.
- `before_request` keeps a request to one of Frappe's replica-reading methods on the primary while
  the replica is down or behind.
- `get_number_card_result`, `get_number_card_percentage_difference` and `get_dashboard_chart` take
  the place of Frappe's number card and dashboard chart readers (hooks.py,
  `override_whitelisted_methods`; Frappe v15 does not mark them read-only): the app's own cards and
  charts are read like its reports, every other app's go to Frappe's readers as they are.

Current means the replica has applied every transaction the primary had committed when the read
began, waiting at most `replica_max_lag` seconds (site_config, default 2). MariaDB's
`MASTER_GTID_WAIT` answers that on the replica with no privilege beyond the site's own. A replica
found down or behind is left alone for `replica_retry_after` seconds (default 30), for every worker.
"""

import functools

import frappe
import pymysql

NOT_USABLE = "referral_crm:replica_not_usable"

# Frappe v15 methods decorated with `frappe.read_only()` that a desk user calls directly.
FRAPPE_REPLICA_METHODS = frozenset(
	{
		"frappe.desk.query_report.run",
		"frappe.desk.query_report.export_query",  # through run
		"frappe.desk.reportview.get",
		"frappe.desk.reportview.get_list",
		"frappe.desk.reportview.get_count",
		"frappe.desk.reportview.export_query",
		"frappe.desk.reportview.get_sidebar_stats",
		"frappe.desk.reportview.get_stats",
		"frappe.desk.desktop.get_desktop_page",
		"frappe.desk.notifications.get_notifications",
	}
)

# Client errors that mean the server is not there: cannot connect, gone away, lost, refused.
CONNECTION_ERRORS = frozenset({1040, 1045, 1049, 1129, 1130, 2002, 2003, 2005, 2006, 2013, 2055})


def configured() -> bool:
	return bool(frappe.conf.read_from_replica and frappe.conf.replica_host)


def reads_from_replica(fn):
	"""Run `fn` on the read replica when the site has a current one; on the primary otherwise."""

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		if not configured():
			return fn(*args, **kwargs)
		if _on_replica():  # Frappe's read_only() switched already (desk report runner, export)
			if replica_is_current(frappe.local.replica_db):
				try:
					return fn(*args, **kwargs)
				except Exception as e:
					if not is_connection_error(e):
						raise
					mark_not_usable("failed during a read", e)
					_close(frappe.local.replica_db)  # Frappe closes it again on the way out
			return _on_primary(fn, args, kwargs)

		replica = _connect()
		if not replica_is_current(replica):
			_close(replica)
			return fn(*args, **kwargs)
		primary = frappe.local.db
		frappe.local.primary_db, frappe.local.replica_db, frappe.local.db = primary, replica, replica
		try:
			return fn(*args, **kwargs)
		except Exception as e:
			if not is_connection_error(e):
				raise
			mark_not_usable("failed during a read", e)
		finally:
			frappe.local.db = primary
			_forget_replica()
			_close(replica)
		return fn(*args, **kwargs)

	wrapper.reads_from_replica = True
	return wrapper


def before_request() -> None:
	"""Keep this request on the primary when it calls a Frappe replica reader and the replica lags."""
	if not configured() or getattr(frappe.local, "request", None) is None:
		return
	path = frappe.local.request.path
	if "/method/" not in path or path.rsplit("/", 1)[-1] not in FRAPPE_REPLICA_METHODS:
		return
	replica = _connect()
	try:
		current = replica_is_current(replica)
	finally:
		_close(replica)
	if not current:
		# a copy: Frappe may share the loaded site config between requests
		frappe.local.conf = frappe._dict({**frappe.local.conf, "read_from_replica": 0})


def replica_is_current(replica) -> bool:
	"""Whether `replica` is up and has applied what the primary had committed, within the lag allowed."""
	if frappe.cache.get_value(NOT_USABLE, expires=True):
		return False
	try:
		position = _primary().sql("select @@global.gtid_binlog_pos")[0][0]
		if not position:  # no binary log on the primary to compare with: up is all that can be asked
			replica.sql("select 1")
			return True
		reached = replica.sql(
			"select master_gtid_wait(%s, %s)", (position, float(frappe.conf.replica_max_lag or 2))
		)[0][0]
	except Exception as e:
		if not is_connection_error(e):
			raise
		mark_not_usable("cannot be reached", e)
		return False
	if reached != 0:
		mark_not_usable("is behind the primary", None)
		return False
	return True


def mark_not_usable(why: str, error: Exception | None) -> None:
	retry_after = int(frappe.conf.replica_retry_after or 30)
	frappe.cache.set_value(NOT_USABLE, why, expires_in_sec=retry_after)
	frappe.logger("referral_crm.replica").warning(
		f"Read replica {frappe.conf.replica_host}:{frappe.conf.replica_db_port} {why}"
		f"{f' ({error})' if error else ''}; reading from the primary for {retry_after} s"
	)


def is_connection_error(error: Exception) -> bool:
	if isinstance(error, pymysql.err.InterfaceError):
		return True
	return (
		isinstance(error, pymysql.err.OperationalError)
		and bool(error.args)
		and error.args[0] in CONNECTION_ERRORS
	)


def _connect():
	"""A replica connection as Frappe's `connect_replica` makes it; it connects on its first query."""
	from frappe.database import get_db

	conf = frappe.conf
	user, password = conf.db_name, conf.db_password
	if conf.different_credentials_for_replica:
		user, password = conf.replica_db_name, conf.replica_db_password
	return get_db(
		host=conf.replica_host,
		port=conf.replica_db_port,
		user=user,
		password=password,
		cur_db_name=conf.db_name,
	)


def _on_replica() -> bool:
	replica = getattr(frappe.local, "replica_db", None)
	return replica is not None and frappe.local.db is replica


def _primary():
	return frappe.local.primary_db if _on_replica() else frappe.local.db


def _on_primary(fn, args, kwargs):
	replica = frappe.local.db
	frappe.local.db = frappe.local.primary_db
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.local.db = replica


def _forget_replica() -> None:
	"""Drop the swap markers, so a later `frappe.read_only()` in this request switches afresh."""
	for attr in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attr):
			delattr(frappe.local, attr)


def _close(db) -> None:
	try:
		db.close()
	except Exception:
		db._conn = db._cursor = None  # a connection the replica dropped already


# The workspace number cards and dashboard charts. Frappe's readers check the permissions themselves
# (through frappe.get_list on the card's DocType) and are called as they are, with the arguments the
# desk sends, left unannotated as Frappe's are so that they accept what Frappe's accept.


@frappe.whitelist(methods=["GET", "POST"])  # as Frappe's own: the desk calls both ways
def get_number_card_result(doc, filters, to_date=None):
	from frappe.desk.doctype.number_card import number_card

	if not _is_apps("Number Card", _name_of(doc)):
		return number_card.get_result(doc, filters, to_date)
	return reads_from_replica(number_card.get_result)(doc, filters, to_date)


@frappe.whitelist(methods=["GET", "POST"])  # as Frappe's own: the desk calls both ways
def get_number_card_percentage_difference(doc, filters, result):
	from frappe.desk.doctype.number_card import number_card

	if not _is_apps("Number Card", _name_of(doc)):
		return number_card.get_percentage_difference(doc, filters, result)
	return reads_from_replica(number_card.get_percentage_difference)(doc, filters, result)


@frappe.whitelist(methods=["GET", "POST"])  # as Frappe's own: the desk calls both ways
def get_dashboard_chart(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
	refresh=None,
):
	"""Frappe's chart reader; on the replica it is told it reads read-only (Frappe's own flag), so it
	does not write the chart's "Last synced" time there, and the time is written on the primary after."""
	from frappe.desk.doctype.dashboard_chart import dashboard_chart

	kwargs = {
		"chart_name": chart_name,
		"chart": chart,
		"no_cache": no_cache,
		"filters": filters,
		"from_date": from_date,
		"to_date": to_date,
		"timespan": timespan,
		"time_interval": time_interval,
		"heatmap_year": heatmap_year,
		"refresh": refresh,
	}
	if not _is_apps("Dashboard Chart", chart_name or _name_of(chart)):
		return dashboard_chart.get(**kwargs)

	# Frappe writes the sync time when it computes the figures of a named chart (frappe.utils.dashboard)
	syncs = bool(chart_name) and not no_cache and not _cached_chart(chart_name, refresh)
	read_on = {"replica": False}

	def read():
		read_on["replica"] = _on_replica()  # the last attempt counts: a failed replica read is retried
		if not read_on["replica"]:
			return dashboard_chart.get(**kwargs)
		read_only = frappe.flags.read_only
		frappe.flags.read_only = True
		try:
			return dashboard_chart.get(**kwargs)
		finally:
			frappe.flags.read_only = read_only

	result = reads_from_replica(read)()
	if read_on["replica"] and syncs and not frappe.flags.read_only:
		frappe.db.set_value(
			"Dashboard Chart", chart_name, "last_synced_on", frappe.utils.now(), update_modified=False
		)
	return result


def _is_apps(doctype: str, name) -> bool:
	"""Whether the card or chart belongs to one of this app's modules (modules.txt)."""
	if not name or not isinstance(name, str):
		return False
	module = frappe.get_cached_value(doctype, name, "module")
	return bool(module) and frappe.local.module_app.get(frappe.scrub(module)) == "referral_crm"


def _name_of(doc) -> str | None:
	try:
		return (frappe.parse_json(doc) or {}).get("name")
	except (ValueError, TypeError, AttributeError):
		return None  # left for Frappe's reader to refuse


def _cached_chart(chart_name: str, refresh) -> bool:
	"""Whether Frappe answers from its cache of the chart's figures (and then records no sync)."""
	return not frappe.utils.cint(refresh) and bool(frappe.cache.get_value(f"chart-data:{chart_name}"))
