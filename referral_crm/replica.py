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
