"""The personal data guard finds a family's details in realistic practice writing and stays quiet
on the numbers and dates that ordinary practice writing is full of."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolios.personal_data import Finding, find_personal_data, nhs_number_is_valid


def check_digit(nine):
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else str(check)


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        (
            "Visited Jordan (NHS no. 943 476 5919) at home with his mother and younger sister.",
            "nhs_number",
            "943 476 5919",
        ),
        ("GP letter attached; NHS number: 9434765919.", "nhs_number", "9434765919"),
        ("Health visitor gave the NHS number as 943-476-5919.", "nhs_number", "943-476-5919"),
        ("Baby's number is 450 557 7104 per the discharge summary.", "nhs_number", "450 557 7104"),
        (
            "The family have moved to 14 Pier Road, Gillingham ME7 1TT, near the school.",
            "postcode",
            "ME7 1TT",
        ),
        ("Mum is staying with her sister in Lincoln, LN1 1YL, for now.", "postcode", "LN1 1YL"),
        ("New address: flat 2, me4 4tr (Chatham).", "postcode", "me4 4tr"),
        ("Father's address is EC1A 1BB according to the police.", "postcode", "EC1A 1BB"),
        ("Placement carers live in Dudley DY11HF.", "postcode", "DY11HF"),
        ("Referral for M1 1AE received from the school nurse.", "postcode", "M1 1AE"),
        (
            "Child A was born on 14/02/2019 at Medway Maritime.",
            "date_of_birth",
            "born on 14/02/2019",
        ),
        ("Sibling details – DOB: 3rd March 2016.", "date_of_birth", "DOB: 3rd March 2016"),
        ("Youngest child, d.o.b 01.05.2014, attends nursery.", "date_of_birth", "d.o.b 01.05.2014"),
        (
            "Date of birth - 2014-05-01 (from Mosaic).",
            "date_of_birth",
            "Date of birth - 2014-05-01",
        ),
        ("I met Sam (DOB 12 Jan 2012) after school.", "date_of_birth", "DOB 12 Jan 2012"),
        ("She was born 7th of September 2018.", "date_of_birth", "born 7th of September 2018"),
        ("Child B, 14/02/2015 (DOB), was present.", "date_of_birth", "14/02/2015 (DOB"),
        ("His birthday is March 3, 2016.", "date_of_birth", "birthday is March 3, 2016"),
    ],
)
def test_finds_a_familys_details(text, kind, found):
    findings = find_personal_data(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert found.strip() in findings[0].description


@pytest.mark.parametrize(
    "text",
    [
        "Home visit on 12/03/2024 with the family; review on 14.02.2025.",
        "Mosaic number 1234567 – the case was stepped down to early help.",
        "Case ref 4505577104 was closed after the child and family assessment.",
        "Mosaic ID: 9434765919 (the number the duty team gave me).",
        "Call the duty team on 01634 331177 or the out of hours team on 01522 782111.",
        "Mum's mobile is 07700 900123; Dad's landline is 0161 496 0000.",
        "Reference 1234567890 on the court bundle; invoice 9434765918.",
        "Progressed from SW3A to SW3B; KSS 4, 5 and 7 allocated; SCP 25 (G9) from the panel date.",
        "The baby was born prematurely; I visited on 3 May 2024 with the health visitor.",
        "Born out of our concern for the children, the plan sets out weekly visits.",
        "Most referrals this quarter came from the ME4 area.",
        "Section 47 enquiry started 01/02/2025 and the strategy meeting was on 03/02/2025.",
        "Newborn checks were completed on 12/03/2024 by the midwife.",
        "Registered with Social Work England (SW12345) in 2021; 24 months at SW2A.",
        "I used the signs of safety model; scaling went from 3 to 7 over six weeks.",
        "Supervision record 2 of 6, dated 2025-01-15, reviewed with my practice supervisor.",
        "",
    ],
)
def test_stays_quiet_on_ordinary_practice_text(text):
    assert find_personal_data(text) == []


def test_finds_each_detail_in_a_longer_reflection_in_order():
    text = (
        "Reflective account. I visited Child C at home in Chatham ME4 4TR on 12 March 2025 with\n"
        "my practice supervisor. The GP confirmed the NHS number 943 476 5919 and that C was born\n"
        "on 02/06/2017. I recorded the visit in Mosaic (case 7654321) the same day.\n"
    )
    findings = find_personal_data(text)
    assert [f.kind for f in findings] == ["postcode", "nhs_number", "date_of_birth"]
    assert all(isinstance(f, Finding) and f.description for f in findings)


def test_the_text_itself_is_never_changed():
    text = "Child A (DOB 14/02/2019) lives at ME7 1TT."
    copy = str(text)
    find_personal_data(text)
    assert text == copy


def test_the_well_known_example_nhs_number_is_valid():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("943476591")
    assert not nhs_number_is_valid("94347659a9")


@given(nine_digits)
def test_the_check_digit_makes_a_valid_number(nine):
    check = check_digit(nine)
    if check is None:
        # A remainder that would need a check digit of 10: no number with these nine digits.
        assert not any(nhs_number_is_valid(nine + d) for d in "0123456789")
    else:
        assert nhs_number_is_valid(nine + check)
        assert [d for d in "0123456789" if nhs_number_is_valid(nine + d)] == [check]


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_error_is_caught(nine, position, change):
    check = check_digit(nine)
    if check is None:
        return
    digits = list(nine + check)
    digits[position] = str((int(digits[position]) + change) % 10)
    assert not nhs_number_is_valid("".join(digits))


@given(nine_digits, st.integers(0, 8))
def test_swapping_two_neighbouring_digits_is_caught(nine, position):
    check = check_digit(nine)
    if check is None:
        return
    number = nine + check
    if number[position] == number[position + 1]:
        return
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert not nhs_number_is_valid(swapped)


@given(nine_digits.filter(lambda nine: not nine.startswith("0")), st.sampled_from(["", " ", "-"]))
def test_the_guard_finds_a_valid_number_however_it_is_spaced(nine, separator):
    check = check_digit(nine)
    if check is None:
        return
    number = separator.join([nine[:3], nine[3:6], nine[6:] + check])
    findings = find_personal_data(f"The GP gave the NHS number {number} on the phone.")
    assert [(f.kind, f.text) for f in findings] == [("nhs_number", number)]


@given(nine_digits, st.sampled_from(["", " "]))
def test_the_guard_never_flags_a_number_failing_the_check(nine, separator):
    for last in "0123456789":
        if nhs_number_is_valid(nine + last):
            continue
        number = separator.join([nine[:3], nine[3:6], nine[6:] + last])
        assert find_personal_data(f"Number {number} noted.") == []
