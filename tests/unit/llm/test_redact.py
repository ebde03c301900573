"""Nothing secret leaves the machine, and ordinary code is left alone."""

from __future__ import annotations

import pytest

from codeflash_bot.propose.llm.redact import ENV_BLOCK_NOTE, Redactor, entropy

SECRETS = [
    "sk-ant-api03-Zq8vN2xL5pT0rW3yB6mK9cF1hJ4gD7sA",
    "sk-proj-Fh3kL9pQ2wX7vB4nM8tR1yC6zJ5dG0sE",
    "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv",
    "AKIAIOSFODNN7EXAMPLE",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "glpat-xY7zW3vU9tS5rQ1pO8nM",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_well_known_token_formats_are_withheld(secret: str) -> None:
    text = f'client = make(token_value="{secret}")  # see {secret}\n'
    out = Redactor().redact(text)
    assert secret not in out
    assert "CODEFLASH_REDACTED_1" in out


def test_private_key_block_is_withheld_whole() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7v\nabc\n-----END RSA PRIVATE KEY-----"
    out = Redactor().redact(f'KEY = """{pem}"""\n')
    assert "MIIEow" not in out and "PRIVATE KEY" not in out


@pytest.mark.parametrize(
    "line",
    [
        'API_KEY = "Zx9kQ2mP7vL4nR8tY1wE5u"',
        'self.auth_token = "q8Zr2LmX0vT5nB7k"',
        'password = "hunter22"',
        'DB_PASSWORD: str = "correct horse battery"',
        '{"client_secret": "3f9a1c77e0b2"}',
        'conn = connect("postgres://bob:s3cr3tpw@db:5432/x")',
        'headers = {"Authorization": "Bearer abcdefghijklmnop1234567890"}',
    ],
)
def test_secret_assignments_are_withheld(line: str) -> None:
    out = Redactor().redact(line)
    assert "CODEFLASH_REDACTED_" in out
    for value in ("Zx9kQ2", "q8Zr2L", "hunter22", "horse", "3f9a1c", "s3cr3tpw", "abcdefghij"):
        assert value not in out


@pytest.mark.parametrize(
    "code",
    [
        'SORT_KEY = "name"',
        "return sorted(items, key=lambda x: x[1])",
        "token = next(tokens)",
        "password = getpass.getpass()",
        'cache_key = f"{user}:{day}"',
        'primary_key = "id"',
        "def tokenize(text, token_re=TOKEN_RE):",
        'MESSAGE = "the quick brown fox jumps over it"',
    ],
)
def test_ordinary_code_is_left_alone(code: str) -> None:
    assert Redactor().redact(code) == code


def test_dotenv_block_in_prose_is_dropped() -> None:
    notes = (
        "Hot path is parse().\n"
        "DATABASE_URL=postgres://u:p@h/db\n"
        "STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n"
        "DEBUG=1\n"
        "\nKeep the API stable.\n"
    )
    out = Redactor().redact(notes, prose=True)
    assert ENV_BLOCK_NOTE in out
    assert "DATABASE_URL" not in out and "sk_live" not in out
    assert "Hot path is parse()." in out and "Keep the API stable." in out


def test_single_secret_line_in_prose_is_withheld() -> None:
    out = Redactor().redact("remember: DB_PASSWORD=hunter2x in staging\n", prose=True)
    assert "hunter2x" not in out


def test_configured_key_values_are_withheld_wherever_they_appear() -> None:
    key = "plain-looking-key-value"
    out = Redactor([key]).redact(f"# pasted by mistake: {key}\n")
    assert key not in out


def test_round_trip_restores_secrets_in_model_output() -> None:
    r = Redactor()
    src = 'def f():\n    return call("sk-proj-Fh3kL9pQ2wX7vB4nM8tR1yC6zJ5dG0sE", KEY_2)\n'
    sent = r.redact(src)
    assert "sk-proj" not in sent
    # the model keeps the placeholder in its rewrite; locally it becomes the real value again
    back = sent.replace("return call(", "return fast_call(")
    assert r.unredact(back) == src.replace("return call(", "return fast_call(")


def test_same_secret_same_placeholder_and_no_prefix_clash() -> None:
    r = Redactor([f"secret-value-{i:02d}" for i in range(12)])
    text = " ".join(f"secret-value-{i:02d}" for i in range(12))
    sent = r.redact(text + " secret-value-00")
    assert sent.split()[0] == sent.split()[-1]
    assert r.unredact(sent) == text + " secret-value-00"


def test_entropy_separates_tokens_from_words() -> None:
    assert entropy("Zx9kQ2mP7vL4nR8tY1wE5u") > 3.5
    assert entropy("aaaaaaaa") == 0.0
