"""USCC check character (GB 32100-2015)."""

import pytest

from app.formdefs.uscc import (
    MSG_CHARS,
    MSG_CHECK,
    MSG_LENGTH,
    MSG_REGION,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    uscc_check_char,
    uscc_problem,
)

VALID = ["91350100M000100Y43", "91110108551385082Q", "91330100799655058B"]


@pytest.mark.parametrize("code", VALID)
def test_valid_examples(code):
    assert is_valid_uscc(code)
    assert uscc_problem(code) is None
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID)
def test_make_uscc_appends_check_char(code):
    assert make_uscc(code[:17]) == code
    assert make_uscc(code[:17].lower()) == code


def test_wrong_check_char():
    assert not is_valid_uscc("91350100M000100Y44")
    assert uscc_problem("91350100M000100Y44") == MSG_CHECK


def test_lowercase_and_spaces_are_normalized():
    assert normalize_uscc("  91350100m000100y43 \n") == "91350100M000100Y43"
    assert is_valid_uscc(" 91110108551385082q ")


def test_full_width_input_is_normalized():
    # Typed with a Chinese IME in full-width mode.
    assert normalize_uscc("９１１１０１０８５５１３８５０８２Ｑ") == "91110108551385082Q"


@pytest.mark.parametrize("bad", "IOSVZ")
def test_letters_outside_alphabet_rejected(bad):
    code = "91350100M000100Y4" + bad
    assert not is_valid_uscc(code)
    assert uscc_problem(code) == MSG_CHARS
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100" + bad + "4")


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433", "9135"])
def test_wrong_length(code):
    assert not is_valid_uscc(code)
    assert uscc_problem(code) == MSG_LENGTH


@pytest.mark.parametrize("pos", range(2, 8))
def test_letters_in_positions_3_to_8_rejected(pos):
    body = list("91350100M000100Y4")
    body[pos] = "A"
    body = "".join(body)
    # Even with a correct check character the region code must be digits.
    code = body + uscc_check_char(body)
    assert not is_valid_uscc(code)
    assert uscc_problem(code) == MSG_REGION


def test_letter_prefixes_allowed():
    # Registration authority / type codes such as N, Y, A exist in positions 1-2.
    assert is_valid_uscc(make_uscc("N2110108551385082"))
    assert is_valid_uscc(make_uscc("Y1110108551385082"))


def test_check_char_rejects_bad_body():
    with pytest.raises(ValueError):
        uscc_check_char("123")
    with pytest.raises(ValueError):
        uscc_check_char("9135010OM000100Y4")


def test_non_string_is_invalid():
    assert not is_valid_uscc(None)
    assert not is_valid_uscc(913501)
