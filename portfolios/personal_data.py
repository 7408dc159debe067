"""The personal data guard: spot a family's details in what a worker writes, so the form can warn.

It only finds and describes; it never blocks and never changes the text. It errs towards staying
quiet on ordinary practice writing (dates of visits, case and Mosaic numbers, phone numbers).
"""

import re
from dataclasses import dataclass

NHS_NUMBER = re.compile(r"(?<![\d\w])(?<!\d[ -])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d\w]|[ -]\d)")
# A number introduced as one of these is a reference, not an NHS number.
REFERENCE_BEFORE = re.compile(
    r"\b(?:mosaic|case|ref|reference|invoice|order|account|tel|telephone|phone|mobile|fax|"
    r"contact|call)\b\W*(?:no\b\.?|number|num|id|#)?\W*$",
    re.IGNORECASE,
)

# A full UK postcode (outward and inward code), after the Royal Mail's format rules.
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
    r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d)"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+\d{{4}}"
    rf"|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
BIRTH_WORD = r"(?:\bborn\b|\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s?date\b|\bbirthday\b)"
DATE_OF_BIRTH = re.compile(
    rf"{BIRTH_WORD}[\s:\-–(]*(?:(?:on|is|was)\s+)?(?:the\s+)?(?P<after>{DATE})"
    rf"|(?P<before>{DATE})\s*[(\[,\-–]?\s*(?:{BIRTH_WORD})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    kind: str  # "nhs_number", "postcode" or "date_of_birth"
    text: str  # what was found, as written
    description: str  # for the worker, in plain English


def nhs_number_is_valid(digits):
    """The NHS number's modulus 11 check: weights 10 down to 2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_personal_data(text):
    """What in the text looks like a family's details, in the order it appears."""
    text = text or ""
    findings = []
    for match in NHS_NUMBER.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        # UK phone numbers start with 0; NHS numbers in England and Wales do not.
        if digits.startswith("0") or not nhs_number_is_valid(digits):
            continue
        if REFERENCE_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        findings.append(
            (
                match.start(),
                Finding(
                    "nhs_number",
                    match.group(0),
                    f"“{match.group(0)}” looks like an NHS number (it passes the NHS number check)",
                ),
            )
        )
    for match in POSTCODE.finditer(text):
        found = match.group(0)
        # Postcodes are written in one case; "Me4 4tr" mixed case is more likely a word.
        if found not in (found.upper(), found.lower()):
            continue
        findings.append(
            (
                match.start(),
                Finding("postcode", found, f"“{found}” looks like a full postcode of an address"),
            )
        )
    for match in DATE_OF_BIRTH.finditer(text):
        found = match.group(0)
        findings.append(
            (
                match.start(),
                Finding("date_of_birth", found, f"“{found.strip()}” looks like a date of birth"),
            )
        )
    return [finding for _, finding in sorted(findings, key=lambda pair: pair[0])]
