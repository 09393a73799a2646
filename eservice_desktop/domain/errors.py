"""The one exception type the domain raises, so the GUI can show it in either language."""

from __future__ import annotations

_ZH_LANGS = frozenset({"zh_tw", "zh-tw", "zh"})


class DomainError(ValueError):
    """A rule of the domain refused an input; carries a stable code and messages in both UI
    languages.

    The code is what callers branch on and what logs record; the two messages are what a clerk
    reads. ``field`` names the form field to highlight, when there is one. ``str(e)`` is the
    English message so that tracebacks and logs stay readable to every developer.
    """

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        field: str | None = None,
        extra: dict[str, int | str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        #: Machine-readable facts behind the refusal (e.g. ``{"amount": 150}`` for fees_due);
        #: the CLI adds them to its JSON error.
        self.extra: dict[str, int | str] = dict(extra or {})

    def message(self, lang: str) -> str:
        """Pick the message for a UI locale; anything that is not Chinese falls back to English."""
        return self.message_zh if lang.strip().lower() in _ZH_LANGS else self.message_en

    def __str__(self) -> str:
        return self.message_en

    def __repr__(self) -> str:
        return (
            f"DomainError(code={self.code!r}, field={self.field!r}, message_en={self.message_en!r})"
        )


#: The reasons an :class:`AuthError` carries (the CLI prints them as ``error``).
AUTH_REASONS = frozenset(
    {
        "auth.required",
        "auth.forbidden",
        "auth.bad_password",
        "auth.locked",
        "auth.inactive",
        "auth.unknown_account",
        "auth.self_approval",
        "auth.approval_required",
        "auth.rate_limited",
        "auth.password_change_required",
    }
)


class AuthError(DomainError):
    """Who is asking was not established or is not allowed: no session, a wrong password, a
    locked or inactive account, a role or scope that does not cover the use case. ``reason``
    is one of :data:`AUTH_REASONS` (the same as ``code``); the CLI exits 2 with it."""

    def __init__(
        self,
        reason: str,
        message_zh: str,
        message_en: str,
        field: str | None = None,
        extra: dict[str, int | str] | None = None,
    ) -> None:
        if reason not in AUTH_REASONS:
            raise ValueError(f"unknown auth reason {reason!r}")
        super().__init__(reason, message_zh, message_en, field, extra)

    @property
    def reason(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"AuthError(reason={self.code!r}, message_en={self.message_en!r})"


class SessionEnded(AuthError):
    """The signed-in operator's account was disabled after they signed in (by the office admin,
    or by the county at a sync): ``auth.inactive`` for every use case they try, and the counter
    window locks on it (only a password sign-in of an active account goes on)."""

    def __init__(self) -> None:
        super().__init__(
            "auth.inactive",
            "此帳號已停用，請洽管理者；須由其他操作人員登入",
            "This account has been disabled; ask the office admin (another operator must sign in)",
        )


class PasswordChanged(SessionEnded):
    """The signed-in operator's password was set after they signed in (an office admin's reset
    at any counter, the county's by sync): the session ends as for a disabled account, and the
    operator signs in again with the new password."""

    def __init__(self) -> None:
        AuthError.__init__(
            self,
            "auth.required",
            "此帳號的密碼已重設，請以新密碼重新登入",
            "The password of this account was reset; sign in again with the new password",
        )


class PasswordChangeRequired(AuthError):
    """The account's password was set by someone else (created by an office admin, or reset):
    a one-time password the admin knows. Until its owner chooses their own, it signs in and
    does nothing else, and approves nothing: what it did would read as the owner's."""

    def __init__(self, account: str, *, approver: bool = False) -> None:
        command = f"eservice-desktop operator passwd {account} --own --password-stdin"
        if approver:
            zh = (
                f"帳號 {account} 的密碼由他人設定（新帳號或管理者重設），須先由本人變更為自己的"
                f"密碼（{command}，或於櫃檯視窗登入時變更），才能核准"
            )
            en = (
                f"The password of account {account} was set by someone else (a new account or "
                f"an admin's reset): its owner chooses their own first ({command}, or at the "
                "counter window's sign-in) before it can approve"
            )
        else:
            zh = (
                f"帳號 {account} 的密碼由他人設定（新帳號或管理者重設），請先變更為自己的密碼："
                f"{command}（標準輸入：舊密碼一行、新密碼一行）；變更前不能執行其他作業"
            )
            en = (
                f"The password of account {account} was set by someone else (a new account or "
                f"an admin's reset): choose your own first with {command} (standard input: the "
                "old password on one line, the new one on the next); nothing else can be done "
                "before"
            )
        super().__init__(
            "auth.password_change_required",
            zh,
            en,
            "approver" if approver else None,
            {"account": account},
        )
