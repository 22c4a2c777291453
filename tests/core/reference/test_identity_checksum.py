"""What the 13-digit check digit does and does not catch, proved over the whole input space.

The rule is N13 = (11 - S mod 11) mod 10 with S = sum of (14 - i) * N_i. Two facts limit it:
digit 3 has weight 11 (0 mod 11), and "mod 10" folds residues 0 and 10 onto check digit 1.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cmdesk.core.errors import ValidationError
from cmdesk.core.reference.identity import format_thai_id, thai_id_check_digit, validate_thai_id

prefixes = st.text(alphabet="012345678", min_size=1, max_size=1).flatmap(
    lambda first: st.text(alphabet="0123456789", min_size=11, max_size=11).map(
        lambda rest: first + rest
    )
)


def residue(first12: str) -> int:
    return sum((13 - i) * int(c) for i, c in enumerate(first12)) % 11


def accepted(number: str) -> bool:
    try:
        validate_thai_id(number)
    except ValidationError:
        return False
    return True


def with_check(first12: str) -> str:
    return first12 + str(thai_id_check_digit(first12))


@given(prefixes)
@example("111203456356")
@example("123456789012")
def test_every_prefix_with_its_check_digit_validates(first12: str) -> None:
    assert accepted(with_check(first12))


@given(prefixes, st.integers(1, 9))
def test_a_wrong_check_digit_is_always_caught(first12: str, shift: int) -> None:
    good = with_check(first12)
    wrong = good[:12] + str((int(good[12]) + shift) % 10)
    assert not accepted(wrong)


@given(prefixes, st.integers(1, 9))
def test_a_wrong_third_digit_is_never_caught(first12: str, shift: int) -> None:
    # Weight 11 is 0 mod 11: the province code "57" mistyped as "50" passes the check.
    good = with_check(first12)
    wrong = good[:2] + str((int(good[2]) + shift) % 10) + good[3:]
    assert accepted(wrong)


@given(prefixes, st.sampled_from([0, 1, *range(3, 12)]), st.integers(1, 9))
def test_other_single_digit_slips_are_caught_unless_residue_folds(
    first12: str, position: int, shift: int
) -> None:
    good = with_check(first12)
    if position == 0 and (int(good[0]) + shift) % 10 == 9:
        return  # a leading 9 is refused for another reason (no such person type)
    wrong = good[:position] + str((int(good[position]) + shift) % 10) + good[position + 1 :]
    folded = {residue(good[:12]), residue(wrong[:12])} == {0, 10}
    assert accepted(wrong) == folded


def test_the_fold_lets_a_real_slip_through() -> None:
    # Documented weakness: residues 0 and 10 both give check digit 1, so this typo passes.
    good = with_check("157015012302")
    assert good == "1570150123021"
    slip = "1570150123071"  # the 12th digit 2 typed as 7
    assert (residue(good[:12]), residue(slip[:12])) == (0, 10)
    assert accepted(slip)


def test_a_province_code_slip_passes() -> None:
    # Chiang Rai "57" typed as "50": the check digit cannot tell.
    assert accepted("1570150123021")
    assert accepted("1500150123021")


@given(prefixes)
def test_formatting_round_trips(first12: str) -> None:
    digits = with_check(first12)
    shown = format_thai_id(digits)
    assert len(shown) == 17 and shown.count("-") == 4
    parsed = validate_thai_id(shown)
    assert parsed.digits == digits
    assert parsed.display == shown


def test_check_digit_needs_twelve_digits() -> None:
    with pytest.raises(ValueError):
        thai_id_check_digit("12345")
