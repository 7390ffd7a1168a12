"""``revpact agreement render`` on a store: the latest published version with its signatures,
a named version, the agreement file while nothing is published, and the output options."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from revpact.cli import app
from revpact.domain.versions import version_hash
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.agreement_versions import publish, sign
from revpact.store import open_store

pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")

NEW_YORK = ZoneInfo("America/New_York")
PL = company_a_template("pl")
NOW = datetime(2020, 2, 1, 12, 0, tzinfo=NEW_YORK)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def published(workdir: Path) -> str:
    """A store with the Polish agreement published as v1 and signed by Emily Carter only."""
    url = f"sqlite:///{workdir / 'store.db'}"
    engine: Engine = open_store(url)
    try:
        at = datetime(2020, 1, 2, 9, 0, tzinfo=NEW_YORK)
        publish(engine, parse_agreement(PL), PL, at=at, now=NOW)
        signed = datetime(2020, 1, 3, 10, 30, tzinfo=NEW_YORK)
        sign(engine, "emily.carter@company-a.example", version=None, at=signed, now=NOW, via="cli")
    finally:
        engine.dispose()
    return url


def test_the_latest_version_with_its_signatures(published: str) -> None:
    code, out = run("agreement", "render", "--lang", "pl", "--format", "md", "--db", published)
    assert code == 0, out
    assert "Wersja 1, opublikowana 2 stycznia 2020" in out
    assert f"Skrót SHA-256 treści: `{version_hash(parse_agreement(PL))}`" in out
    assert "Ta wersja nie obowiązuje." in out and "Podpisano: 1 z 11." in out
    assert (
        "| Emily Carter | emily.carter@company-a.example | Dyrektor ds. marketingu (CMO) "
        "| Marketing | 3 stycznia 2020, 10:30 GMT-05:00 |"
    ) in out
    assert out.count("| jeszcze nie podpisano |") == 10
    assert "| Kevin Tran | kevin.tran@company-a.example |" in out


def test_the_language_defaults_to_the_agreements(published: str) -> None:
    code, out = run("agreement", "render", "--format", "md", "--version", "v1", "--db", published)
    assert code == 0, out
    assert "## 1. Cele firmy" in out
    code, out = run("agreement", "render", "--lang", "en", "--format", "md", "--db", published)
    assert code == 0, out
    assert "## 1. Company goals" in out and "Signed by 1 of 11." in out


def test_an_unknown_version_is_named(published: str) -> None:
    code, out = run("agreement", "render", "--version", "v9", "--db", published)
    assert code == 1
    assert 'no version "v9"; published: v1' in out


def test_without_a_store_the_file_is_rendered_unsigned(workdir: Path) -> None:
    (workdir / "revpact.yaml").write_text(PL, encoding="utf-8")
    code, out = run("agreement", "render", "--format", "md")
    assert code == 0, out
    assert "_Projekt: wersja nieopublikowana_" in out
    assert "Ten tekst nie jest opublikowaną wersją" in out
    assert not (workdir / "revpact.db").exists()  # rendering creates no database
    code, out = run("agreement", "render", "--version", "1")
    assert code == 1 and "no version has been published yet" in out


def test_draft_renders_the_file_and_a_changed_file_is_noted(published: str, workdir: Path) -> None:
    changed = PL.replace("pool: 5000", "pool: 6000")
    (workdir / "revpact.yaml").write_text(changed, encoding="utf-8")
    code, out = run("agreement", "render", "--format", "md", "--db", published)
    assert code == 0, out
    assert "revpact.yaml has changes that are not published" in out
    assert "5\u00a0000\u00a0USD" in out
    code, out = run("agreement", "render", "--format", "md", "--draft", "--db", published)
    assert code == 0, out
    assert "6\u00a0000\u00a0USD" in out and "Projekt: wersja nieopublikowana" in out
    code, out = run("agreement", "render", "--draft", "--version", "v1", "--db", published)
    assert code == 1 and "or --version (a published one), not both" in out


def test_output_files(published: str, workdir: Path) -> None:
    code, out = run("agreement", "render", "--out", "out/umowa.html", "--db", published)
    assert code == 0, out
    assert "wrote out/umowa.html: v1" in out
    page = (workdir / "out" / "umowa.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="pl">' in page
    code, out = run("agreement", "render", "--format", "pdf", "--db", published)
    assert code == 0, out
    assert (workdir / "agreement-v1.pdf").read_bytes().startswith(b"%PDF-")


def test_bad_options_are_named(workdir: Path) -> None:
    code, out = run("agreement", "render", "--format", "docx")
    assert code == 1 and '--format "docx" is not offered; choose html, pdf, md' in out
    code, out = run("agreement", "render", "--lang", "de")
    assert code == 1 and '--lang "de" is not offered; choose en, pl' in out
