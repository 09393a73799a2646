"""Every role on every guarded service function: what PERMISSIONS allows passes the guard, the
rest is refused with auth.forbidden before anything is read or written.

``GUARDED`` names each use case with the action it must ask for; ``NOT_GUARDED`` every other
public function of the services that takes the App, with the reason. A new public function that
is in neither list fails ``test_every_service_function_is_classified``; a guard that is missing
or asks for another action fails ``test_role_on_function`` for some role.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from factories import request
from sqlalchemy import true

import eservice_desktop.services as services_pkg
from eservice_desktop.domain.errors import AuthError
from eservice_desktop.domain.operators import PERMISSIONS, Action, Operator, Role
from eservice_desktop.services import (
    access,
    applicant_correction,
    backup,
    calendar,
    case_attachments,
    case_contact,
    case_queues,
    case_reopen,
    cases,
    clock_guard,
    daily_closing,
    database,
    ended_balance,
    fees,
    identity,
    intake,
    lookups,
    notices,
    online_by_hand,
    online_receipt,
    operators,
    payment_method,
    payments,
    pickup,
    pickup_id_card,
    pickup_keys,
    queue_filter,
    receipt_issuer,
    receipt_qr,
    report_views,
    reports,
    retention,
    settlement,
    supervisor_reports,
    supplement,
)
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import conflicts
from eservice_desktop.services.sync import receipts as county_receipts

CASE = "H01-01-115-000001-3"
RECEIPT = "H01-01-115-R000001"
DAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)

Call = Callable[[App, Path], Any]

#: function -> (the action it must ask for, a call with plausible arguments)
GUARDED: dict[Callable[..., Any], tuple[Action, Call]] = {
    cases.show_case: (Action.VIEW_CASE, lambda a, t: cases.show_case(a, CASE)),
    cases.revision: (Action.VIEW_CASE, lambda a, t: cases.revision(a, "x")),
    access.report: (Action.AUDIT, lambda a, t: access.report(a, operator="tester")),
    case_attachments.attach_file: (
        Action.PROCESS,
        lambda a, t: case_attachments.attach_file(a, CASE, t / "none.pdf"),
    ),
    case_attachments.list_attachments: (
        Action.VIEW_CASE,
        lambda a, t: case_attachments.list_attachments(a, CASE),
    ),
    notices.of_case: (Action.VIEW_CASE, lambda a, t: notices.of_case(a, CASE)),
    case_contact.change_phone: (
        Action.PROCESS,
        lambda a, t: case_contact.change_phone(a, CASE, "0987654321"),
    ),
    case_contact.reissue_code: (Action.PROCESS, lambda a, t: case_contact.reissue_code(a, CASE)),
    case_contact.other_numbers: (
        Action.VIEW_CASE,
        lambda a, t: case_contact.other_numbers(a, CASE),
    ),
    applicant_correction.correct_applicant: (
        Action.PROCESS,
        lambda a, t: applicant_correction.correct_applicant(a, CASE, "姓名誤植", name="林峯"),
    ),
    applicant_correction.applicant_form: (
        Action.VIEW_CASE,
        lambda a, t: applicant_correction.applicant_form(a, CASE),
    ),
    applicant_correction.address_fields: (
        Action.VIEW_CASE,
        lambda a, t: applicant_correction.address_fields(a, CASE),
    ),
    lookups.run_lookup: (
        Action.PROCESS,
        lambda a, t: lookups.run_lookup(a, CASE, "household_transcript", record_consent=True),
    ),
    lookups.kinds_of: (Action.VIEW_CASE, lambda a, t: lookups.kinds_of(a, CASE)),
    notices.request_resend: (
        Action.PROCESS,
        lambda a, t: notices.request_resend(a, CASE, "received"),
    ),
    settlement.import_settlement: (
        Action.RECORD_PAYMENT,
        lambda a, t: settlement.import_settlement(a, b""),
    ),
    cases.load_case: (Action.VIEW_CASE, lambda a, t: cases.load_case(a, CASE)),
    ended_balance.ended_balance_words: (
        Action.VIEW_CASE,
        lambda a, t: ended_balance.ended_balance_words(a, CASE),
    ),
    ended_balance.shown_balance: (
        Action.VIEW_CASE,
        lambda a, t: ended_balance.shown_balance(a, CASE, 0),
    ),
    cases.queue: (Action.VIEW_CASE, lambda a, t: cases.queue(a, "all")),
    cases.queue_page: (Action.VIEW_CASE, lambda a, t: cases.queue_page(a, "all")),
    cases.queue_total: (Action.VIEW_CASE, lambda a, t: cases.queue_total(a, "all")),
    cases.queue_member: (Action.VIEW_CASE, lambda a, t: cases.queue_member(a, "all", CASE)),
    case_queues.queue_count_where: (
        Action.VIEW_CASE,
        lambda a, t: case_queues.queue_count_where(a, "all", true()),
    ),
    queue_filter.filter_total: (
        Action.VIEW_CASE,
        lambda a, t: queue_filter.filter_total(a, "all", "zh_TW", "王", ["applicant_name"]),
    ),
    cases.queue_counts: (Action.VIEW_CASE, lambda a, t: cases.queue_counts(a)),
    cases.search: (Action.SEARCH, lambda a, t: cases.search(a, "王小明")),
    cases.search_page: (Action.SEARCH, lambda a, t: cases.search_page(a, "王小明")),
    cases.search_count: (Action.SEARCH, lambda a, t: cases.search_count(a, "王小明")),
    cases.request_supplement: (
        Action.PROCESS,
        lambda a, t: cases.request_supplement(a, CASE, "缺件"),
    ),
    supplement.request_supplement: (
        Action.PROCESS,
        lambda a, t: supplement.request_supplement(a, CASE, "缺件", supply_by=date(2026, 3, 17)),
    ),
    cases.accept_case: (Action.PROCESS, lambda a, t: cases.accept_case(a, CASE)),
    cases.online_queue: (Action.VIEW_CASE, lambda a, t: cases.online_queue(a)),
    cases.record_supplement: (Action.PROCESS, lambda a, t: cases.record_supplement(a, CASE)),
    cases.close_case: (Action.CLOSE, lambda a, t: cases.close_case(a, CASE)),
    cases.reject_case: (Action.CLOSE, lambda a, t: cases.reject_case(a, CASE, "不符")),
    cases.cancel_case: (Action.CLOSE, lambda a, t: cases.cancel_case(a, CASE, "撤回")),
    intake.validate: (Action.INTAKE, lambda a, t: intake.validate(a, request())),
    intake.intake: (Action.INTAKE, lambda a, t: intake.intake(a, request())),
    intake.intake_with_warnings: (
        Action.INTAKE,
        lambda a, t: intake.intake_with_warnings(a, request()),
    ),
    fees.preview: (Action.VIEW_CASE, lambda a, t: fees.preview(a, CASE)),
    fees.assess: (Action.PROCESS, lambda a, t: fees.assess(a, CASE)),
    fees.change_copies: (Action.PROCESS, lambda a, t: fees.change_copies(a, CASE, 2)),
    identity.start_proof: (Action.VERIFY_IDENTITY, lambda a, t: identity.start_proof(a)),
    identity.finish_proof: (
        Action.VERIFY_IDENTITY,
        lambda a, t: identity.finish_proof(
            a,
            nonce=b"",
            signature=b"",
            cert=None,  # type: ignore[arg-type]
            applicant=None,
        ),
    ),
    identity.applicant_of_case: (
        Action.VIEW_CASE,
        lambda a, t: identity.applicant_of_case(a, CASE),
    ),
    identity.verify_moica: (
        Action.VERIFY_IDENTITY,
        lambda a, t: identity.verify_moica(a, "", case_number=CASE),
    ),
    payments.record_payment: (
        Action.RECORD_PAYMENT,
        lambda a, t: payments.record_payment(a, CASE, "cash", 15),
    ),
    payments.record_online_payment: (
        Action.RECORD_PAYMENT,
        lambda a, t: payments.record_online_payment(
            a,
            None,  # type: ignore[arg-type]
            "x",
            payment_id="p",
            amount=15,
            payment_tool="card",
            authorised_at=NOW,
        ),
    ),
    online_by_hand.record_online_by_hand: (
        Action.RECORD_PAYMENT,
        lambda a, t: online_by_hand.record_online_by_hand(
            a, CASE, amount=15, payment_tool="信用卡", authorised_at=NOW, reference="T1"
        ),
    ),
    online_receipt.issue_online_receipt: (
        Action.RECORD_PAYMENT,
        lambda a, t: online_receipt.issue_online_receipt(a, CASE, "T1"),
    ),
    payments.settle_online_payment: (
        Action.RECORD_PAYMENT,
        lambda a, t: payments.settle_online_payment(
            a,
            None,  # type: ignore[arg-type]
            "p",
            deposit_date=DAY,
            settlement_number="S1",
        ),
    ),
    payments.refund: (Action.REFUND, lambda a, t: payments.refund(a, RECEIPT, 15, "多收")),
    payments.void_receipt: (Action.VOID, lambda a, t: payments.void_receipt(a, RECEIPT, "錯開")),
    payments.refundable: (Action.REFUND, lambda a, t: payments.refundable(a, RECEIPT)),
    payments.voidable: (Action.VOID, lambda a, t: payments.voidable(a, RECEIPT)),
    # a case closed by mistake: who may close it may ask (a supervisor approves)
    case_reopen.reopen_case: (
        Action.CLOSE,
        lambda a, t: case_reopen.reopen_case(a, CASE, "誤按結案"),
    ),
    case_reopen.reopenable: (Action.CLOSE, lambda a, t: case_reopen.reopenable(a, CASE)),
    # correcting cash keyed as card: who may void the receipt may ask it (a supervisor approves)
    payment_method.correct_method: (
        Action.VOID,
        lambda a, t: payment_method.correct_method(a, RECEIPT, "cash", "誤按刷卡"),
    ),
    payment_method.correctable: (
        Action.VOID,
        lambda a, t: payment_method.correctable(a, RECEIPT, "cash"),
    ),
    receipt_issuer.void_question: (
        Action.VOID,
        lambda a, t: receipt_issuer.void_question(a, RECEIPT),
    ),
    receipt_issuer.issuer_of: (Action.VIEW_CASE, lambda a, t: receipt_issuer.issuer_of(a, RECEIPT)),
    payments.confirm_printed: (Action.PRINT, lambda a, t: payments.confirm_printed(a, RECEIPT)),
    payments.check_reprint_reason: (
        Action.PRINT,
        lambda a, t: payments.check_reprint_reason(a, RECEIPT, ""),
    ),
    payments.reprint_granted: (
        Action.PRINT,
        lambda a, t: payments.reprint_granted(a, RECEIPT, "", None),
    ),
    payments.needs_reprint_reason: (
        Action.PRINT,
        lambda a, t: payments.needs_reprint_reason(a, RECEIPT),
    ),
    payments.receipt_data: (Action.PRINT, lambda a, t: payments.receipt_data(a, RECEIPT)),
    payments.receipt_pdf: (Action.PRINT, lambda a, t: payments.receipt_pdf(a, RECEIPT)),
    payments.last_receipt_number: (
        Action.VIEW_CASE,
        lambda a, t: payments.last_receipt_number(a, CASE),
    ),
    payments.receipts_of_case: (
        Action.VIEW_CASE,
        lambda a, t: payments.receipts_of_case(a, CASE),
    ),
    payments.receipt_of_case: (
        Action.VIEW_CASE,
        lambda a, t: payments.receipt_of_case(a, CASE, RECEIPT),
    ),
    payments.get_receipt: (Action.VIEW_CASE, lambda a, t: payments.get_receipt(a, RECEIPT)),
    payments.pending_receipts: (Action.VIEW_CASE, lambda a, t: payments.pending_receipts(a)),
    payments.verify_receipt: (
        Action.VIEW_CASE,
        lambda a, t: payments.verify_receipt(a, RECEIPT, "ABCD"),
    ),
    receipt_qr.verify_scanned: (
        Action.VIEW_CASE,
        lambda a, t: receipt_qr.verify_scanned(a, f"ESR1|{RECEIPT}|30|1150101|ABCD"),
    ),
    payments.rebuild_receipts: (Action.DB_ADMIN, lambda a, t: payments.rebuild_receipts(a)),
    clock_guard.confirm: (Action.DB_ADMIN, lambda a, t: clock_guard.confirm(a)),
    pickup_keys.import_key_file: (Action.DB_ADMIN, lambda a, t: pickup_keys.import_key_file(a, {})),
    database.export_key_recorded: (
        Action.DB_ADMIN,
        lambda a, t: database.export_key_recorded(a),
    ),
    pickup.ready_cases: (Action.VIEW_CASE, lambda a, t: pickup.ready_cases(a)),
    pickup.ready_total: (Action.VIEW_CASE, lambda a, t: pickup.ready_total(a)),
    pickup.ready_list: (Action.VIEW_CASE, lambda a, t: pickup.ready_list(a)),
    pickup.pickup_record: (Action.VIEW_CASE, lambda a, t: pickup.pickup_record(a, CASE)),
    pickup.verify: (Action.HANDOVER, lambda a, t: pickup.verify(a, "x")),
    pickup.handover: (Action.HANDOVER, lambda a, t: pickup.handover(a, "x")),
    pickup.stored_token: (Action.HANDOVER, lambda a, t: pickup.stored_token(a, CASE)),
    pickup.fetch_online: (Action.HANDOVER, lambda a, t: pickup.fetch_online(a, "x")),
    pickup_id_card.id_card_pickup: (
        Action.HANDOVER,
        lambda a, t: pickup_id_card.id_card_pickup(a, "A123456789", hand_over=True),
    ),
    daily_closing.closing: (Action.REPORTS, lambda a, t: daily_closing.closing(a, DAY)),
    daily_closing.write_closing: (
        Action.REPORTS,
        lambda a, t: daily_closing.write_closing(a, date(2026, 3, 9), t / "c.csv"),
    ),
    reports.reconciliation: (Action.REPORTS, lambda a, t: reports.reconciliation(a, DAY, DAY)),
    reports.write_reconciliation: (
        Action.REPORTS,
        lambda a, t: reports.write_reconciliation(a, DAY, DAY, t / "r.csv"),
    ),
    retention.pseudonymise: (
        Action.RETENTION,
        lambda a, t: retention.pseudonymise(a, dry_run=True),
    ),
    backup.take: (Action.BACKUP, lambda a, t: backup.take(a)),
    backup.verify: (Action.BACKUP, lambda a, t: backup.verify(a, t / "none.sqlite3")),
    backup.after_restore: (Action.RESTORE, lambda a, t: backup.after_restore(a, None, None)),
    backup.preview: (Action.RESTORE, lambda a, t: backup.preview(a, t / "none.sqlite3")),
    backup.restore_in_place: (
        Action.RESTORE,
        lambda a, t: backup.restore_in_place(a, t / "none.sqlite3", recover=False),
    ),
    backup.finish_restore: (
        Action.RESTORE,
        lambda a, t: backup.finish_restore(a, t / "none.sqlite3", {}, recover=False),
    ),
    backup.recover_after_restore: (
        Action.RESTORE,
        lambda a, t: backup.recover_after_restore(a, {}, make_client=None),
    ),
    pickup.mms_png: (Action.PRINT, lambda a, t: pickup.mms_png(a, CASE)),
    pickup.slip_pdf: (Action.PRINT, lambda a, t: pickup.slip_pdf(a, CASE)),
    county_receipts.county_receipt_pdf: (
        Action.PRINT,
        lambda a, t: county_receipts.county_receipt_pdf(a, {}),
    ),
    daily_closing.closing_document: (
        Action.REPORTS,
        lambda a, t: daily_closing.closing_document(a, DAY),
    ),
    report_views.screen_report: (
        Action.REPORTS,
        lambda a, t: report_views.screen_report(a, "nothing", DAY, DAY),
    ),
    report_views.export_report: (
        Action.EXPORT,
        lambda a, t: report_views.export_report(a, None, t / "r.csv"),  # type: ignore[arg-type]
    ),
    supervisor_reports.compute: (
        Action.REPORTS,
        lambda a, t: supervisor_reports.compute(a, "nothing", DAY, DAY),
    ),
    supervisor_reports.on_time: (
        Action.REPORTS,
        lambda a, t: supervisor_reports.on_time(a, DAY, DAY),
    ),
    supervisor_reports.usage: (Action.REPORTS, lambda a, t: supervisor_reports.usage(a, DAY, DAY)),
    supervisor_reports.savings: (
        Action.REPORTS,
        lambda a, t: supervisor_reports.savings(a, DAY, DAY),
    ),
    supervisor_reports.targets: (
        Action.REPORTS,
        lambda a, t: supervisor_reports.targets(a, DAY, DAY),
    ),
    calendar.import_calendar: (
        Action.CALENDAR,
        lambda a, t: calendar.import_calendar(a, t / "none.csv"),
    ),
    conflicts.open_conflicts: (Action.VIEW_CASE, lambda a, t: conflicts.open_conflicts(a)),
    conflicts.resolve_conflict: (
        Action.RESOLVE_CONFLICT,
        lambda a, t: conflicts.resolve_conflict(a, "c1", "已處理"),
    ),
    county_receipts.county_receipt: (
        Action.VIEW_CASE,
        lambda a, t: county_receipts.county_receipt(a, CASE),
    ),
    operators.create_operator: (
        Action.MANAGE_OPERATORS,
        lambda a, t: operators.create_operator(a, "new01", "N", ["clerk"], "password 1"),
    ),
    operators.list_operators: (Action.MANAGE_OPERATORS, lambda a, t: operators.list_operators(a)),
    operators.set_roles: (
        Action.MANAGE_OPERATORS,
        lambda a, t: operators.set_roles(a, "nobody", ["clerk"]),
    ),
    operators.deactivate: (
        Action.MANAGE_OPERATORS,
        lambda a, t: operators.deactivate(a, "nobody"),
    ),
    operators.activate: (
        Action.MANAGE_OPERATORS,
        lambda a, t: operators.activate(a, "nobody"),
    ),
    operators.set_password: (
        Action.MANAGE_OPERATORS,
        lambda a, t: operators.set_password(a, "nobody", "password 2"),
    ),
}

#: Public functions of the services that take the App and ask for no role, and why.
NOT_GUARDED: dict[str, str] = {
    "access.record": "inside a guarded use case (the view, search, print or export it notes)",
    "access.append": "inside a guarded use case's transaction",
    "operators_audit.note": "inside an account change's transaction (guarded there)",
    "operators_audit.signed_in": "sign-in: its access-log record, in the sign-in's transaction",
    "operators_audit.refused": "sign-in: a refusal's access-log record, in its transaction",
    "operators_audit.signed_out": "sign-out: its access-log record, in the session's end",
    "operators_audit.screen_locked": "the window locked: its access-log record",
    "operators_audit.refused_unlock": "a refused unlock: its access-log record",
    "case_attachments.read_content": "the sync upload opening a sealed file, the device's work",
    "case_attachments.seal_file": "inside a guarded use case (attach_file, lookups.run_lookup)",
    "case_attachments.register": "inside a guarded use case's transaction",
    "audit.verify": "chain and receipts integrity only (counts, the first broken link, "
    "receipt numbers); doctor runs it",
    "restore_guard.waiting": "whether a restored database waits for its recovery: no personal "
    "data, the window's status bar reads it after every sync round",
    # internal steps of a guarded use case (they take its open transaction or state)
    "cases.append": "inside a guarded use case's transaction",
    "cases.record": "inside a guarded use case's transaction",
    "calendar.today": "the office day, no data",
    "calendar.judged_on": "the day deadlines are judged from, no data",
    "supplement.check_supply_by": "a day against the office's today and calendar, no data",
    "supplement.supply_by_from_text": "a typed day read and checked, no data",
    "cases.compute_due": "the due date of a state a guarded use case loaded, no read",
    "cases.view_of": "builds the view a guarded use case returns",
    "fees.assess_in": "inside intake / assess",
    "fees.ensure_assessed": "inside a guarded use case's transaction",
    "identity_record.record_with_intake": "inside intake",
    "intake.allocate_case_number": "inside intake",
    "payments_receipts.allocate_receipt_number": "inside record_payment",
    "payments_receipts.device_key": "this device's receipt key, inside a payment or the demo till",
    "payments.record_payment_in": "inside record_payment / the pickup desk's payment",
    "receipt_issue.new_receipt": "inside record_payment_in / issue_online_receipt (both guarded)",
    "payments.state_subtotal": "arithmetic over a state already read",
    "operators_scope.check_departments": (
        "the scope checked inside add_operator / set_roles (guarded) and a county provisioning"
    ),
    "pickup_views.case_view": "builds the view verify / handover return",
    "pickup_views.also_ready": "the applicant's other ready cases, in the handover's transaction",
    "pickup_views.also_ready_note": "the handover's words about them, in the same transaction",
    "pickup_views.record_scan": "the access record of a scan, inside verify (guarded)",
    "pickup_views.office_name": "a catalogue name for the desk's messages",
    "pickup_views.office_named_en": "the same name in English, for the desk's English messages",
    "pickup_checks.check_code": "the checks verify / handover run (both guarded)",
    "pickup_checks.already_refusal": "a refusal check_code / id_card_pickup give (guarded)",
    "pickup.hand_over_checked": "the handover step of handover / id_card_pickup (both guarded)",
    "pickup.fees_due_result": "the fees_due answer of verify / handover / id_card_pickup",
    "pickup_short_code.token_for_short_code": "a step of check_code, inside verify / handover",
    "pickup_short_code.record_short_code_failure": (
        "counts a wrong short code, inside verify / handover"
    ),
    "ingest.compute_due": "inside ingest",
    "ingest.ingest": "the one path of events: callers are guarded or the sync service",
    "ingest.ingest_many": "the one path of events: callers are guarded or the sync service",
    # the device's own scheduled work (acts as device:NN, never as an operator)
    "backup.due": "schedule check, no data",
    "backup.take_scheduled": "hourly and closing backups, the device's work",
    "backup.with_scheduled_backups": "wraps the sync loop",
    "retention.pseudonymise_scheduled": "the retention rule at the daily closing",
    "conflicts.record_conflict": "the sync round notes a county refusal as the device",
    "pickup_keys.import_county_keys": "county key document, by sync",
    "pickup_keys.store_county_keys": "county key document, with the pulled page that brings it",
    "case_queues.has_cases": "whether any case exists (first start), no data",
    "ingest.compute_on_time": "inside ingest",
    "supervisor_reports.today": "the office day, no data",
    # public reference data, no personal data
    "calendar.compute_deadline": "working-day arithmetic",
    "calendar.redate_cases": "a step of the guarded calendar import and of a sync pull",
    "calendar.redate_pending": "whether days stored still owe a re-dating, no data",
    "identity_crl.accept_crl": "certificate revocation lists (public), also by sync",
    "identity_crl.cached_arls": "certificate revocation lists (public)",
    "identity_crl.cached_lists": "certificate revocation lists (public)",
    "identity_crl.crl_status": "certificate revocation lists (public)",
    "identity_crl.crl_update_due": "certificate revocation lists (public)",
    "identity_crl.update_crls": "certificate revocation lists (public), on a timer",
    "identity_checks.ee_revocation": "a step of finish_proof (guarded), reads the public CRLs",
    "identity_checks.check_time": "a step of finish_proof (guarded), reads the public CRLs",
    "identity.token_status": "is a card token present, no data read",
    # demo data (demo mode only; the events still need a signed-in operator)
    "payments_demo.seed_payments_demo": "demo data",
    "pickup_demo.ensure_demo_key": "demo data",
    "pickup_demo.issue_demo": "demo data",
    "pickup_demo.seed_pickup_demo": "demo data",
    # the queue's display rows: read through cases.queue_page / search_page, which are guarded
    "queue_rows.load_queue": "through the guarded cases.queue_page",
    "queue_rows.queue_chunk": "through the guarded cases.queue_page",
    "queue_rows.search_chunk": "through the guarded cases.search_page",
    "queue_rows.queue_item": "through the guarded cases.queue_member",
    "pickup.refused_result": "a refusal as the desk shows it, inside the guarded pickup steps",
    "payment_screen.load": "through the guarded show_case, load_case and receipts_of_case",
    "payment_screen.case_of": "through the guarded payments.get_receipt",
    "closing_asked.check_day": "the day asked, inside the guarded daily_closing.closing",
    "closing_asked.check_counter": "the counter asked, inside the guarded daily_closing.closing",
    "payment_screen.pending_receipts": "through the guarded payments.pending_receipts",
    # sign-in itself
    "operators_accounts.create_first_admin": "refused once any account exists",
    "operators_first.or_first_admin": "the guard's refusal worded for a PC with no account",
    "operators_signin.current": "the guard",
    "operators_signin.require": "the guard",
    "operators_signin.require_in": "the guard, the account read in the change's transaction",
    "operators_admins.acting": "the guard (require_in) of an account change's transaction",
    "operators_signin.read_accounts_only_where": "set-up of the window process: which threads read",
    "operators_signin.login": "sign-in",
    "county_login.account_source": "sign-in: local or county account, no personal data",
    "county_login.held_here": "sign-in: locked or disabled here, no personal data",
    "operators_signin.accounts_exist": "whether anyone could sign in (a restore on a new PC)",
    "county_login.county_sign_in": "sign-in as the county decided (county_login)",
    "county_login.online_login": "sign-in checked by the county",
    "operators_signin.logout": "sign-out",
    "operators_sessions.record_sign_out": "sign-out: its access-log record",
    "operators_sessions.record_screen_lock": "the window locked: its access-log record",
    "operators_sessions.record_refused_unlock": "a refused unlock: its access-log record",
    "operators_signin.password_set_here": "inside the guarded set_password: own session kept",
    "operators_signin.verify_password": "sign-in check for approvals and over a locked window",
    "operators_demo.sign_in_demo": "demo mode only",
    "operators_demo.check_demo_seed": "refuses before the seed; the seed needs a session",
    "operators_sessions.open_session": "after login",
    "operators_sessions.resume_session": "sign-in by session",
    "operators_sessions.end_session": "sign-out",
    "operators_sessions.end_sessions": "inside a guarded new password or disable, or sync's",
    "operators_sessions.idle_timeout": "a setting",
    "operators_accounts.get_operator": "an account's roles, no personal data",
    "operators_county.upsert_provisioned": "county provisioning, by sync as the device",
    "operators_accounts.ensure_demo_supervisor": "demo data: the demo supervisor's account",
    # supervisors' approvals: the approver's password and supervisor role are what is checked;
    # the use case that asks for the approval is guarded itself
    "fees.needs_approval": "whether terms need an approval, no data read",
    "payments_corrections.needs_reprint_approval": (
        "whether a reprint needs an approval; the print is guarded"
    ),
    "intake.sync_freshness": "the time of the last sync round, no personal data",
    "approvals.check": "verifies the approver (password, supervisor role) for a dialog",
    "approvals.grant": "verifies the approver; called by guarded use cases",
    "approvals.writable": "the writes' own guards (clock, restore), read before an approval",
    "approvals.demo_granted": "demo data: the demo supervisor's approval",
    "approvals.approval_event": "a step inside a guarded use case",
    "approvals.append_approved": "a step inside a guarded use case",
    "approvals.append_approval_after": "a step inside a guarded use case",
}

#: Modules of the sync service are out of the roles' scope (the device acts), except these.
SYNC_MODULES_WITH_USE_CASES = ("sync.conflicts", "sync.receipts")


def _public_app_functions() -> set[str]:
    found: set[str] = set()
    for info in pkgutil.walk_packages(services_pkg.__path__, services_pkg.__name__ + "."):
        short = info.name.removeprefix("eservice_desktop.services.")
        if short.startswith("sync.") and short not in SYNC_MODULES_WITH_USE_CASES:
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != info.name or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "app":
                found.add(f"{short.removeprefix('sync.')}.{name}")
    return found


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


def test_every_service_function_is_classified() -> None:
    guarded = {_name(fn) for fn in GUARDED}
    public = _public_app_functions()
    assert public - guarded - set(NOT_GUARDED) == set(), "decide: guard these or list why not"
    assert (guarded | set(NOT_GUARDED)) - public == set(), "listed but gone"
    for fn in GUARDED:
        source = inspect.getsource(fn)
        if fn is intake.intake:  # its first step, validate(), asks once the office takes it in
            source += inspect.getsource(intake.validate)
        assert "require(app, Action." in source, _name(fn)


def test_every_guarded_action_is_refused_to_some_role() -> None:
    """Otherwise a missing guard on that function could not be seen below."""
    for fn, (action, _call) in GUARDED.items():
        assert any(action not in allowed for allowed in PERMISSIONS.values()), _name(fn)


def test_it_reads_no_personal_data() -> None:
    from eservice_desktop.domain.operators import PERSONAL_DATA_ACTIONS

    assert PERMISSIONS[Role.IT] & PERSONAL_DATA_ACTIONS == frozenset()


@pytest.mark.parametrize("fn", list(GUARDED), ids=[_name(fn) for fn in GUARDED])
def test_every_role_on_function(app: App, tmp_path: Path, fn: Callable[..., Any]) -> None:
    """One App per function, every role in turn (the refused ones first: nothing they try is
    stored, so the allowed ones meet the same database)."""
    action, call = GUARDED[fn]
    roles = sorted(Role, key=lambda r: action in PERMISSIONS[r])
    for role in roles:
        app.operator = Operator(f"{role.value}01", role.value, frozenset({role}))
        allowed = action in PERMISSIONS[role]
        try:
            call(app, tmp_path)
        except AuthError as e:
            if allowed:  # past the guard, refused for another reason (an unknown account ...)
                assert e.reason not in {"auth.forbidden", "auth.required"}, (role, action)
            else:
                assert e.reason == "auth.forbidden", (role, action, e.reason)
            continue
        except TypeError:
            raise  # the call in GUARDED is wrong: fix it, or a missing guard would go unseen
        except Exception:
            pass
        assert allowed, f"{_name(fn)} let {role.value} past without asking for {action.value}"
