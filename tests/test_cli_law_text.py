"""``docket law add --url --text``: a law's official link and excerpt from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from docket.cli import app as cli

runner = CliRunner()
LAW = ["law", "add", "--id", "kz-mass-media-26", "--jurisdiction", "KZ",
       "--citation", "Закон «О средствах массовой информации», ст. 26 / Law on Mass Media, Art. 26",
       "--title", "Suspension of distribution", "--json"]


def _run(*args: str) -> Any:
    return runner.invoke(cli, [*LAW, *args])


def test_law_add_keeps_the_official_link_and_excerpt(sessions: Any) -> None:
    result = _run("--url", "https://adilet.zan.kz/rus/docs/Z0000000000",
                  "--text", "Распространение продукции СМИ может быть приостановлено. (Gist: distribution "
                            "may be suspended.)")
    assert result.exit_code == 0, result.output
    law = json.loads(result.stdout)["law"]
    assert law["official_url"] == "https://adilet.zan.kz/rus/docs/Z0000000000"
    assert law["excerpt"].startswith("Распространение продукции СМИ")
    assert law["clock_stated"] is False and law["clock"] == "no clock stated: the jurisdiction's default applies"
    listed = json.loads(runner.invoke(cli, ["law", "list", "--jurisdiction", "KZ", "--json"]).stdout)
    [mine] = [x for x in listed["laws"] if x["id"] == "kz-mass-media-26"]
    assert mine["official_url"] == law["official_url"] and mine["excerpt"] == law["excerpt"]
    shipped = {x["id"]: x for x in listed["laws"]}["kz-informatization-18-2"]
    assert shipped["official_url"] == "https://adilet.zan.kz/rus/docs/Z1500000418"
    assert shipped["clock"].startswith("24 h")


def test_the_excerpt_can_come_from_a_file(sessions: Any, tmp_path: Path) -> None:
    excerpt = tmp_path / "art26.txt"
    excerpt.write_text("  Статья 26.\nПриостановление выпуска.\n", encoding="utf-8")
    result = _run("--url", "http://adilet.zan.kz/rus/", "--text-file", str(excerpt))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["law"]["excerpt"] == "Статья 26.\nПриостановление выпуска."


def test_a_bad_link_is_refused_with_a_clear_message(sessions: Any) -> None:
    for url in ("ftp://adilet.zan.kz/law", "javascript:alert(1)", "adilet.zan.kz/rus", "https://", "https://a b.kz/"):
        result = _run("--url", url)
        assert result.exit_code == 1, url
        error = json.loads(result.stdout)["error"]
        assert "official_url" in error and "an http:// or https:// address" in error, error
    too_long = _run("--url", "https://adilet.zan.kz/" + "a" * 500)
    assert too_long.exit_code == 1 and "at most 500 characters" in too_long.stdout
    listed = json.loads(runner.invoke(cli, ["law", "list", "--jurisdiction", "KZ", "--json"]).stdout)
    assert "kz-mass-media-26" not in {x["id"] for x in listed["laws"]}


def test_an_excerpt_is_a_sentence_or_two(sessions: Any, tmp_path: Path) -> None:
    long = _run("--text", "x" * 2001)
    assert long.exit_code == 1 and "excerpt too long (2001 characters)" in long.stdout
    assert "at most 2000 characters" in long.stdout
    both = _run("--text", "a", "--text-file", str(tmp_path / "a.txt"))
    assert both.exit_code == 1 and "not both" in both.stdout
    missing = _run("--text-file", str(tmp_path / "missing.txt"))
    assert missing.exit_code == 1 and "cannot read the excerpt" in missing.stdout
