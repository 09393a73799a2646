"""The machine itself: program version, data directory and free space, the OS keyring, and the
fonts the screen and the receipts need."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from pathlib import Path
from typing import Any

from eservice_desktop import __version__
from eservice_desktop.config import Settings
from eservice_desktop.services.doctor.logs_folder import logs_usable
from eservice_desktop.services.doctor.report import (
    FAIL_FREE_BYTES,
    WARN_FREE_BYTES,
    Check,
    Status,
    Verdict,
    _check,
    _existing_parent,
    _run,
)


def check_version() -> Check:
    frozen = bool(getattr(sys, "frozen", False))
    where = sys.executable if frozen else f"python {platform.python_version()}"
    return _check(
        "version",
        ("版本", "Version"),
        "ok",
        (
            f"eservice-desktop {__version__}（{'安裝版' if frozen else '原始碼'}：{where}）",
            f"eservice-desktop {__version__} "
            f"({'installed build' if frozen else 'source'}: {where})",
        ),
        version=__version__,
        frozen=frozen,
        executable=sys.executable,
        platform=platform.platform(),
    )


_DATA_DIR = ("資料目錄與磁碟空間", "Data directory and free space")


def _usable_dir(d: Path, base: Path) -> None:
    """The data directory exists and is writable, or the verdict."""
    if d.exists() and not d.is_dir():  # db upgrade could not create it: a path mistake
        raise Verdict(
            "fail",
            (f"{d} 是檔案，不是資料夾", f"{d} is a file, not a folder"),
            (
                "改正 --data-dir 或 ESERVICE_DATA_DIR 指向資料夾",
                "Correct --data-dir or ESERVICE_DATA_DIR to name a folder",
            ),
        )
    if not d.is_dir():
        if os.access(base, os.W_OK):
            raise Verdict(
                "warn",
                (
                    f"{d} 尚未建立（第一次啟動時建立）",
                    f"{d} does not exist yet (created on first start)",
                ),
                (
                    "執行 eservice-desktop db upgrade 建立資料庫",
                    "Run `eservice-desktop db upgrade` to create it",
                ),
            )
        raise Verdict(
            "fail",
            (f"{d} 不存在且無法建立", f"{d} does not exist and cannot be created"),
            (f"建立目錄並給予使用者寫入權限：{d}", f"Create {d} and make it writable for the user"),
        )
    _writable_disk(d)
    if not os.access(d, os.W_OK | os.X_OK):
        raise Verdict(
            "fail",
            (f"{d} 無寫入權限", f"{d} is not writable by this user"),
            (
                "Linux：將使用者加入 eservice 群組（usermod -aG eservice 帳號）後重新登入；"
                "Windows：重新安裝或修復安裝以還原權限",
                "Linux: add the user to the eservice group (usermod -aG eservice USER) and log in "
                "again; Windows: repair the installation to restore permissions",
            ),
        )


def _writable_disk(d: Path) -> None:
    """The disk itself takes writes: one mounted read-only (by hand, or by Linux after disk
    errors: ext4's ``errors=remount-ro``) made every user "not writable by this user", with
    adding the user to the eservice group as the fix, which changes nothing there."""
    statvfs = getattr(os, "statvfs", None)  # Windows: none; a read-only volume is rare there
    try:
        read_only = statvfs is not None and bool(statvfs(d).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    if read_only:
        raise Verdict(
            "fail",
            (
                f"{d} 所在的磁碟為唯讀（以唯讀掛載，或磁碟發生錯誤後由系統改為唯讀）",
                f"{d} is on a read-only disk (mounted read-only, or made so by the system after"
                " disk errors)",
            ),
            (
                "檢查磁碟（dmesg、fsck）後重新以可寫入方式掛載（mount -o remount,rw）",
                "Check the disk (dmesg, fsck), then mount it writable again (mount -o remount,rw)",
            ),
        )


def _enough_space(d: Path, free: int) -> None:
    from eservice_desktop.storage.disk_full import out_of_files

    if d.is_dir() and out_of_files(d):
        raise Verdict(
            "fail",
            (
                f"{d}：磁碟的檔案數已滿（inode 用盡），無法再建立檔案",
                f"{d}: the disk is full of files (no inode left): no file can be made there",
            ),
            (
                "刪除該磁碟上不需要的檔案（多為大量小檔案；df -i 顯示各磁碟的檔案數）",
                "Delete files not needed on that disk (usually many small ones; `df -i` shows"
                " each disk's files)",
            ),
        )
    free_mb = free // (1024 * 1024)
    if free < FAIL_FREE_BYTES:
        raise Verdict(
            "fail",
            (f"{d}：剩餘空間僅 {free_mb} MB", f"{d}: only {free_mb} MB free"),
            (
                "清出磁碟空間（至少 1 GB），可將舊備份 backups/ 移至外部儲存",
                "Free disk space (1 GB or more); old backups in backups/ can be moved off the PC",
            ),
        )
    if free < WARN_FREE_BYTES:
        raise Verdict(
            "warn",
            (f"{d}：剩餘空間 {free_mb} MB", f"{d}: {free_mb} MB free"),
            ("磁碟空間不足 1 GB，請清理", "Less than 1 GB free: clean up the disk"),
        )


def check_data_dir(settings: Settings) -> Check:
    """The data directory exists (or can be made), is writable, its log folder too (every
    program writes there first), and its disk has room."""
    d = settings.data_dir
    base = _existing_parent(d)
    free = shutil.disk_usage(base).free
    facts: dict[str, Any] = {"path": str(d), "exists": d.is_dir(), "free_bytes": free}
    try:
        _usable_dir(d, base)
        if d.is_dir():
            logs_usable(settings)
        _enough_space(d, free)
    except Verdict as v:
        return v.check("data_dir", _DATA_DIR, **facts)
    free_mb = free // (1024 * 1024)
    return _check(
        "data_dir", _DATA_DIR, "ok", (f"{d}：剩餘 {free_mb} MB", f"{d}: {free_mb} MB free"), **facts
    )


def check_keyring(demo: bool = False) -> Check:
    """A counter keeps its county credential (and may keep its database key) in the OS
    keyring; a demo counter manages without one (the credential lives in memory), so there
    its absence is a warning, not a failure."""
    title = ("金鑰圈（憑證保存）", "Keyring (credential storage)")
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception as e:
        return _check(
            "keyring",
            title,
            "fail",
            (f"無法載入 keyring：{e}", f"keyring failed to load: {e}"),
            ("重新安裝 eservice-desktop", "Reinstall eservice-desktop"),
        )
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    facts: dict[str, Any] = {"backend": name}
    # the null backend takes every secret and forgets it: a credential "kept" there is lost
    usable = not isinstance(backend, (fail.Keyring, null.Keyring))
    if usable and hasattr(backend, "backends"):  # the chainer: usable only when it chains something
        usable = bool(backend.backends)
    if not usable:
        zh, en = f"沒有可用的金鑰圈後端（{name}）", f"No usable keyring backend ({name})"
        if demo:
            zh, en = (
                zh + "；示範模式把本機憑證暫存於記憶體",
                en + "; the demo keeps its credential in memory",
            )
        return _check(
            "keyring",
            title,
            "warn" if demo else "fail",
            (zh, en),
            (
                "Linux：安裝並解鎖 gnome-keyring（Secret Service）；"
                "Windows：確認「認證管理員」服務已啟動",
                "Linux: install and unlock gnome-keyring (Secret Service); Windows: make sure the "
                "Credential Manager service runs",
            ),
            **facts,
        )
    return _check("keyring", title, "ok", (name, name), **facts)


def check_fonts() -> Check:
    """Without a Traditional Chinese font the window and the receipts show boxes; without a
    sans CJK face the window falls back to a Kai or Ming face that is hard to read on screen."""
    from eservice_desktop.services.glyphs import SCREEN_SANS_FAMILIES

    title = ("中文字型", "Chinese fonts")
    if sys.platform == "win32":
        return _check("fonts", title, "ok", ("Windows 內建中文字型", "Windows ships Chinese fonts"))
    if shutil.which("fc-list") is None:
        return _check(
            "fonts",
            title,
            "warn",
            ("找不到 fc-list，無法檢查字型", "fc-list not found: cannot check fonts"),
            ("apt install fontconfig", "apt install fontconfig"),
        )
    done = _run(["fc-list", ":lang=zh-tw", "family"])
    lines = [line for line in (done.stdout if done else "").splitlines() if line.strip()]
    names = [[n.strip().replace("\\-", "-") for n in line.split(",")] for line in lines]
    families = sorted({n[0] for n in names})
    every_name = {n for line_names in names for n in line_names}
    if not families:
        return _check(
            "fonts",
            title,
            "fail",
            ("沒有繁體中文字型", "No Traditional Chinese font installed"),
            (
                "apt install fonts-noto-cjk fonts-arphic-uming fonts-cns11643-kai",
                "apt install fonts-noto-cjk fonts-arphic-uming fonts-cns11643-kai",
            ),
            families=[],
        )
    sans = [f for f in SCREEN_SANS_FAMILIES if f in every_name]
    if not sans:
        return _check(
            "fonts",
            title,
            "warn",
            (
                f"畫面沒有黑體中文字型（{SCREEN_SANS_FAMILIES[0]}），將以楷書或明體顯示",
                f"No sans Chinese face for the screen ({SCREEN_SANS_FAMILIES[0]}):"
                " the window falls back to a Kai or Ming face",
            ),
            ("apt install fonts-noto-cjk", "apt install fonts-noto-cjk"),
            families=families,
            screen_sans="",
        )
    return _check(
        "fonts",
        title,
        "ok",
        (
            f"畫面：{sans[0]}；" + "、".join(families[:5]),
            f"Screen: {sans[0]}; " + ", ".join(families[:5]),
        ),
        families=families,
        screen_sans=sans[0],
    )


#: Names with characters of Ext-C to Ext-H (𫝀 U+2B740, 𬺰 U+2CEB0, 𰻞 U+30EDE, U+31350):
#: only BabelStone Han among the receipt fonts has them.
RARE_SAMPLE = "\U0002a700\U0002b740\U0002b820\U0002ceb0\U00030ede\U00031350"


def receipt_fonts_verdict(found: list[str], rare_missing: list[str] | None = None) -> Status:
    """ok with TW-Kai (CNS 11643 rare characters print) and every Ext-C..H sample printable,
    warn with a fallback only or a sample that would print as [U+XXXXX], else fail."""
    if "TWKai" in found and not rare_missing:
        return "ok"
    return "warn" if found else "fail"


def check_receipt_fonts() -> Check:
    """The TrueType fonts reportlab embeds in receipts and slips (not the screen fonts), and
    whether names with Ext-C..H characters print (BabelStone Han)."""
    from eservice_desktop.printing.fonts import CANDIDATES, FontNotFound, locate, unprintable

    title = ("收據字型（全字庫）", "Receipt fonts (CNS 11643)")
    files = {name: locate(file_name) for name, file_name, _ in CANDIDATES}
    found = [name for name, path in files.items() if path is not None]
    try:
        rare_missing = [f"U+{ord(ch):04X}" for ch in unprintable(RARE_SAMPLE)] if found else []
    except FontNotFound:
        rare_missing = []
    status = receipt_fonts_verdict(found, rare_missing)
    located = {n: str(p) for n, p in files.items() if p is not None}
    facts: dict[str, Any] = {"fonts": located, "rare_missing": rare_missing}
    if status == "ok":
        return _check("receipt_fonts", title, "ok", ("、".join(found), ", ".join(found)), **facts)
    if "TWKai" in found:  # only the newest extensions are missing
        missing = ", ".join(rare_missing)
        return _check(
            "receipt_fonts",
            title,
            "warn",
            (
                f"擴充 C～H 罕用字無法列印（{missing}），收據將印出 [U+…] 字碼",
                f"Ext-C..H characters do not print ({missing}): receipts show [U+…] codes",
            ),
            (
                "apt install fonts-babelstone-han"
                "（Windows：BabelStoneHan.ttf 放入 resources\\fonts）",
                "apt install fonts-babelstone-han"
                " (Windows: put BabelStoneHan.ttf into resources\\fonts)",
            ),
            **facts,
        )
    fix = (
        "apt install fonts-cns11643-kai fonts-babelstone-han（Windows：安裝時勾選全字庫字型）",
        "apt install fonts-cns11643-kai fonts-babelstone-han"
        " (Windows: keep the CNS 11643 font feature selected)",
    )
    if status == "warn":
        return _check(
            "receipt_fonts",
            title,
            "warn",
            (
                f"只有 {', '.join(found)}：罕用字姓名可能無法列印",
                f"Only {', '.join(found)}: rare characters in names may not print",
            ),
            fix,
            **facts,
        )
    return _check(
        "receipt_fonts",
        title,
        "fail",
        ("沒有可嵌入收據的中文 TrueType 字型", "No Chinese TrueType font to embed in receipts"),
        fix,
        **facts,
    )
