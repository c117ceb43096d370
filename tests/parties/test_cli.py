"""The admin commands, driven the way scripts drive them (--json)."""

import json

from typer.testing import CliRunner

from docket.cli import app as cli

runner = CliRunner()


def run(*args: str) -> tuple[int, dict]:
    result = runner.invoke(cli, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout.strip().splitlines()[-1])


def test_submitter_add_prints_one_json_object(sessions) -> None:
    code, out = run("submitter", "add", "--name", "Ministry of Information and Social Development",
                    "--kind", "government_agency", "--country", "kz", "--email", "a@misd.kz")
    assert code == 0
    assert out["submitter"]["country"] == "KZ"
    assert isinstance(out["submitter"]["id"], int)


def test_submitter_add_rejects_an_unknown_kind(sessions) -> None:
    code, out = run("submitter", "add", "--name", "X", "--kind", "ministry", "--country", "KZ")
    assert code == 1
    assert "unknown requester kind" in out["error"]


def test_submitter_add_rejects_an_unknown_country(sessions) -> None:
    code, out = run("submitter", "add", "--name", "X", "--kind", "court", "--country", "XX")
    assert code == 1
    assert "unknown country" in out["error"]


def test_user_add_with_roles_and_jurisdictions(sessions) -> None:
    code, out = run("user", "add", "--email", "Dana@Docket.example",
                    "--role", "local_representative",
                    "--jurisdiction", "KZ", "--jurisdiction", "TR")
    assert code == 0
    assert out["user"]["email"] == "dana@docket.example"
    assert out["user"]["jurisdictions"] == ["KZ", "TR"]
    assert out["user"]["password"]


def test_a_local_representative_needs_a_jurisdiction(sessions) -> None:
    code, out = run("user", "add", "--email", "x@docket.example", "--role", "local_representative")
    assert code == 1 and "jurisdictions" in out["error"]


def test_a_duplicate_user_is_a_conflict(sessions) -> None:
    assert run("user", "add", "--email", "x@docket.example", "--role", "reviewer")[0] == 0
    code, out = run("user", "add", "--email", "x@docket.example", "--role", "auditor")
    assert code == 1 and "already exists" in out["error"]


def test_token_create_for_a_submitter_and_a_user(client, sessions) -> None:
    _, sub = run("submitter", "add", "--name", "BTK", "--kind", "regulator", "--country", "TR")
    code, tok = run("token", "create", "--submitter", str(sub["submitter"]["id"]))
    assert code == 0 and tok["token"].startswith("dkt_")
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tok['token']}"})
    assert r.json()["submitter"]["name"] == "BTK"

    run("user", "add", "--email", "p@docket.example", "--role", "platform")
    code, tok = run("token", "create", "--user", "p@docket.example")
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tok['token']}"})
    assert r.json()["roles"] == ["platform"]


def test_token_create_needs_exactly_one_owner(sessions) -> None:
    code, out = run("token", "create")
    assert code == 2
    code, out = run("token", "create", "--submitter", "999")
    assert code == 1 and "no submitter" in out["error"]


def test_lists(sessions) -> None:
    run("submitter", "add", "--name", "BTK", "--kind", "regulator", "--country", "TR")
    run("user", "add", "--email", "p@docket.example", "--role", "platform")
    assert run("submitter", "list")[1]["submitters"][0]["name"] == "BTK"
    assert run("user", "list")[1]["users"][0]["roles"] == ["platform"]
    assert run("token", "list")[1] == {"tokens": []}


def test_e_mail_options_are_checked_as_the_api_checks_them(sessions) -> None:
    for email in ("a@misd.kz\r\nBcc: everyone@misd.kz", "not an address", "a@b", "dana@corp.local"):
        code, out = run("submitter", "add", "--name", "Ministry of Information", "--kind",
                        "government_agency", "--country", "KZ", "--email", email)
        assert code == 1 and "email:" in out["error"], (email, out)
        code, out = run("user", "add", "--email", email, "--role", "reviewer")
        assert code == 1 and "email:" in out["error"], (email, out)
    assert run("submitter", "list")[1] == {"submitters": []}
    assert run("user", "list")[1] == {"users": []}
    court = run("submitter", "add", "--name", "Landgericht Berlin", "--kind", "court",
                "--country", "DE")[1]["submitter"]["id"]
    for email in ("poststelle@lg.example.de\n", "poststelle@lg"):
        code, out = run("person", "add", "--submitter", str(court), "--email", email)
        assert code == 1 and "email:" in out["error"], (email, out)


def test_names_are_one_line_as_the_api_takes_them(sessions) -> None:
    code, out = run("submitter", "add", "--name", "Ministry\r\nBcc: x@y.example", "--kind",
                    "government_agency", "--country", "KZ")
    assert code == 1 and "name:" in out["error"]
    code, out = run("submitter", "add", "--name", "   ", "--kind", "court", "--country", "DE")
    assert code == 1 and "name:" in out["error"]
    code, out = run("user", "add", "--email", "bob@docket.example", "--role", "legal",
                    "--name", "Bob\nLegal")
    assert code == 1 and "name:" in out["error"]
    code, out = run("token", "create", "--submitter", "1", "--name", "ci\rtoken")
    assert code == 1 and "name:" in out["error"]
    assert run("submitter", "list")[1] == {"submitters": []}
    assert run("user", "list")[1] == {"users": []}
