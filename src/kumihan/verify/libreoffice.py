"""DOCX → PDF through headless LibreOffice, the stand-in for Word's layout.

In: a .docx file, an output directory and the directory of fonts the document
names (assets/fonts), optionally font-name aliases.
Out: the path of the PDF LibreOffice wrote, or a `ConversionError` that says what
went wrong (soffice missing, timeout, no PDF) with LibreOffice's own output.

Each conversion gets its own LibreOffice profile (parallel conversions sharing one
profile block each other or fail) and its own fontconfig file that adds the font
directory, so the PDF uses the very fonts the document names even where they are
not installed system-wide.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

DEFAULT_TIMEOUT_S = 120.0


class ConversionError(RuntimeError):
    """LibreOffice could not turn the document into a PDF."""


def find_soffice() -> str | None:
    """The soffice (or libreoffice) executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig_file(fonts_dir: Path | None, aliases: Mapping[str, str], directory: Path) -> Path:
    """Write a fonts.conf that keeps the system configuration and adds `fonts_dir`.

    `aliases` maps a family name a document may use (e.g. Windows' "BIZ UD明朝 Medium")
    to an installed family ("BIZ UDMincho").
    """
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    ]
    if fonts_dir is not None:
        lines.append(f"  <dir>{escape(str(fonts_dir.resolve()))}</dir>")
    for name, target in sorted(aliases.items()):
        lines += [
            '  <alias binding="same">',
            f"    <family>{escape(name)}</family>",
            f"    <accept><family>{escape(target)}</family></accept>",
            "  </alias>",
        ]
    lines += [f"  <cachedir>{escape(str(directory / 'fc-cache'))}</cachedir>", "</fontconfig>", ""]
    path = directory / "fonts.conf"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _run(
    command: list[str], env: dict[str, str], timeout_s: float
) -> subprocess.CompletedProcess[str]:
    # A new session makes LibreOffice's helper processes one group we can end on timeout.
    with subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionError(
                f"LibreOffice did not finish within {timeout_s:.0f} s: {' '.join(command)}"
            ) from None
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def convert_to_pdf(
    docx: Path,
    outdir: Path,
    fonts_dir: Path | None,
    *,
    aliases: Mapping[str, str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    soffice: str | None = None,
) -> Path:
    """Convert `docx` to `outdir/<stem>.pdf` and return that path."""
    executable = soffice or find_soffice()
    if executable is None:
        raise ConversionError("LibreOffice (soffice) is not installed or not on PATH")
    if not docx.is_file():
        raise ConversionError(f"{docx}: no such file")
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{docx.stem}.pdf"
    target.unlink(missing_ok=True)  # so a stale PDF is never taken for a fresh one
    with tempfile.TemporaryDirectory(prefix="kumihan-lo-") as scratch:
        work = Path(scratch)
        profile = work / "profile"
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fontconfig_file(fonts_dir, aliases or {}, work))
        env["HOME"] = str(work)  # LibreOffice writes caches under HOME too
        command = [
            executable,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            # keep the blank pages Word inserts before a right-hand (odd-page) section,
            # so physical pages line up with the toolkit's PDF
            'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}',
            "--outdir",
            str(outdir.resolve()),
            str(docx.resolve()),
        ]
        result = _run(command, env, timeout_s)
    if result.returncode != 0 or not target.is_file():
        raise ConversionError(
            f"LibreOffice did not write {target} (exit {result.returncode}).\n"
            f"stdout: {result.stdout.strip()}\nstderr: {result.stderr.strip()}"
        )
    return target
