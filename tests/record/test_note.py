"""Tests of sideline.record.note (C2SP signed notes)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.record.errors import NoteError
from sideline.record.note import (
    Signature,
    generate_signer_key,
    open_note,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
    validate_key_name,
)

# Published Go sumdb/note test keys (golang/mod note_test.go); never use for real.
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = "If you think cryptography is the answer to your problem,\n"
SIGNED = sign_note(TEXT, signers=[parse_signer_key(PETER_SKEY)]).decode()
SIG_LINE = SIGNED[len(TEXT) + 1 :]


def test_sign_note_round_trips_through_open_note() -> None:
    opened = open_note(SIGNED, verifiers=[parse_verifier_key(PETER_VKEY)])
    assert opened.text == TEXT
    assert [(s.name, s.key_id) for s in opened.verified] == [("PeterNeumann", 0xC74F20A3)]
    assert opened.unknown == ()


def test_open_note_reports_unknown_signers() -> None:
    other_skey, _ = generate_signer_key("example.com/other")
    other_line = sign_note(TEXT, signers=[parse_signer_key(other_skey)]).decode()[len(TEXT) + 1 :]
    opened = open_note(SIGNED + other_line, verifiers=[parse_verifier_key(PETER_VKEY)])
    assert [s.name for s in opened.verified] == ["PeterNeumann"]
    assert [s.name for s in opened.unknown] == ["example.com/other"]


def test_open_note_ignores_same_name_with_other_key_id() -> None:
    forged = Signature("PeterNeumann", 0x01020304, b"\x00" * 64).line()
    opened = open_note(SIGNED + forged, verifiers=[parse_verifier_key(PETER_VKEY)])
    assert [s.key_id for s in opened.unknown] == [0x01020304]


def test_generate_signer_key_pairs_match() -> None:
    skey, vkey = generate_signer_key("sideline.example/nato")
    signer = parse_signer_key(skey)
    verifier = parse_verifier_key(vkey)
    assert (signer.name, signer.key_id) == (verifier.name, verifier.key_id)
    assert vkey.startswith("sideline.example/nato+")


def test_sign_note_rejects_text_without_final_newline() -> None:
    with pytest.raises(NoteError) as info:
        sign_note("no newline", signers=[parse_signer_key(PETER_SKEY)])
    assert info.value.code == "no_final_newline"


def test_sign_note_rejects_no_signers() -> None:
    with pytest.raises(NoteError) as info:
        sign_note("text\n", signers=[])
    assert info.value.code == "no_signers"


BAD_NOTES = [
    ("text only", TEXT, "no_signature_block"),
    ("blank line, no signatures", TEXT + "\n", "no_signature_block"),
    ("no final newline", SIGNED[:-1], "no_final_newline"),
    ("control character", "\x01" + SIGNED, "control_character"),
    ("tab", "a\tb\n\n" + SIG_LINE, "control_character"),
    ("carriage return", "a\r\n\n" + SIG_LINE, "control_character"),
    ("space in key name", TEXT + "\n— Bad Name AAAAAAAA\n", "bad_key_name"),
    ("plus in key name", TEXT + "\n— a+b AAAAAAAA\n", "bad_key_name"),
    ("line after signatures", SIGNED + "Unexpected line.\n", "bad_signature_line"),
    ("hyphen not em dash", TEXT + "\n- PeterNeumann AAAAAAAA\n", "bad_signature_line"),
    ("missing base64", TEXT + "\n— PeterNeumann\n", "bad_signature_line"),
    ("bad base64", TEXT + "\n— PeterNeumann AAA*AAAA\n", "bad_signature_base64"),
    ("4-byte signature", TEXT + "\n— PeterNeumann AAAAAA==\n", "signature_too_short"),
    ("101 signatures", TEXT + "\n" + SIG_LINE * 101, "too_many_signatures"),
]


@pytest.mark.parametrize(("desc", "note", "code"), BAD_NOTES, ids=[b[0] for b in BAD_NOTES])
def test_parse_note_rejects_malformed(desc: str, note: str, code: str) -> None:
    with pytest.raises(NoteError) as info:
        parse_note(note)
    assert info.value.code == code


def test_parse_note_rejects_invalid_utf8() -> None:
    with pytest.raises(NoteError) as info:
        parse_note(b"\xff" + SIGNED.encode())
    assert info.value.code == "not_utf8"


def test_parse_note_accepts_100_signatures() -> None:
    assert len(parse_note(TEXT + "\n" + SIG_LINE * 100).signatures) == 100


def test_parse_note_splits_at_last_blank_line() -> None:
    note = parse_note("a\n\nb\n\n" + SIG_LINE)
    assert note.text == "a\n\nb\n"


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (SIGNED.replace(TEXT, TEXT.upper()), "invalid_signature"),
        (TEXT + "\n" + SIG_LINE[:60] + "ABCD" + SIG_LINE[60:], "invalid_signature"),
    ],
)
def test_open_note_rejects_bad_signature_from_known_key(note: str, code: str) -> None:
    with pytest.raises(NoteError) as info:
        open_note(note, verifiers=[parse_verifier_key(PETER_VKEY)])
    assert info.value.code == code


def test_open_note_rejects_note_without_known_signer() -> None:
    _, vkey = generate_signer_key("example.com/stranger")
    with pytest.raises(NoteError) as info:
        open_note(SIGNED, verifiers=[parse_verifier_key(vkey)])
    assert (info.value.code, info.value.message) == (
        "no_verified_signature",
        "no known key signed this note",
    )


BAD_VKEYS = [
    ("two parts", "PeterNeumann+c74f20a3", "bad_verifier_key"),
    ("uppercase hex", PETER_VKEY.replace("c74f20a3", "C74F20A3"), "bad_verifier_key"),
    ("short hex", PETER_VKEY.replace("c74f20a3", "c74f20a"), "bad_verifier_key"),
    ("wrong key id", PETER_VKEY.replace("c74f20a3", "c74f20a4"), "key_id_mismatch"),
    ("bad base64", PETER_VKEY + "*", "bad_verifier_key"),
    ("empty name", PETER_VKEY.replace("PeterNeumann", ""), "bad_key_name"),
    ("other type", PETER_VKEY.replace("+ARpc", "+BRpc"), "unsupported_key_type"),
    ("short key", PETER_VKEY[:-4], "bad_verifier_key"),
]


@pytest.mark.parametrize(("desc", "vkey", "code"), BAD_VKEYS, ids=[b[0] for b in BAD_VKEYS])
def test_parse_verifier_key_rejects_malformed(desc: str, vkey: str, code: str) -> None:
    with pytest.raises(NoteError) as info:
        parse_verifier_key(vkey)
    assert info.value.code == code


BAD_SKEYS = [
    ("not private", PETER_SKEY.replace("PRIVATE+KEY+", "PUBLIC+KEY+"), "bad_signer_key"),
    ("wrong key id", PETER_SKEY.replace("c74f20a3", "c74f20a4"), "key_id_mismatch"),
    ("short seed", PETER_SKEY[:-4], "bad_signer_key"),
    ("other type", PETER_SKEY.replace("+AYEK", "+BYEK"), "unsupported_key_type"),
]


@pytest.mark.parametrize(("desc", "skey", "code"), BAD_SKEYS, ids=[b[0] for b in BAD_SKEYS])
def test_parse_signer_key_rejects_malformed(desc: str, skey: str, code: str) -> None:
    with pytest.raises(NoteError) as info:
        parse_signer_key(skey)
    assert info.value.code == code


@settings(max_examples=100, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(SIGNED.encode()) - 1), bit=st.integers(0, 7))
def test_open_note_catches_any_flipped_bit(position: int, bit: int) -> None:
    data = bytearray(SIGNED.encode())
    data[position] ^= 1 << bit
    with pytest.raises(NoteError):
        open_note(bytes(data), verifiers=[parse_verifier_key(PETER_VKEY)])


@pytest.mark.parametrize(("desc", "note", "code"), BAD_NOTES, ids=[b[0] for b in BAD_NOTES])
def test_parse_note_of_bytes_fails_as_of_text(desc: str, note: str, code: str) -> None:
    # Bytes take a faster control-character scan; the error must not change.
    with pytest.raises(NoteError) as from_text:
        parse_note(note)
    with pytest.raises(NoteError) as from_bytes:
        parse_note(note.encode())
    assert (from_bytes.value.code, str(from_bytes.value)) == (code, str(from_text.value))


@pytest.mark.parametrize("name", ["a\u2003b", "a\u3000b", "a\x85b", "a b", "", "a+b", "a\x00"])
def test_validate_key_name_rejects_unicode_spaces_twice(name: str) -> None:
    for _ in range(2):  # the second call is answered from the cache
        with pytest.raises(NoteError) as info:
            validate_key_name(name)
        assert info.value.code == "bad_key_name"
