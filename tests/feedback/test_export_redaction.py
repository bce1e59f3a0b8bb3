"""The redaction table: personal data that must go, and look-alikes that must survive (docs/exports.md).

Each case is (text, names from the row's meta, the text as exported). The traps other redactors fell into are
here by name: dates and date-times read as phones, a millisecond timestamp read as a card, an image file name
read as a phone.
"""

import pytest

from feedback.exports.redaction import (
    DEFAULT_REGIONS,
    RedactionSettingsError,
    Redactor,
    card_number_is_card,
    names_from_meta,
)

E, P, C, IP, N = "[EMAIL_REDACTED]", "[PHONE_REDACTED]", "[CARD_REDACTED]", "[IP_REDACTED]", "[NAME_REDACTED]"

REDACTED = [
    # emails
    ("Write to lena.hoffmann@example.com today", (), f"Write to {E} today"),
    ("cc: a.b+tag@mail.shop.co.uk, thanks", (), f"cc: {E}, thanks"),
    ("UPPER.CASE@EXAMPLE.ORG.", (), f"{E}."),
    ("see https://shop.example/unsubscribe?email=maria.jensen@example.net&x=1", (),
     f"see https://shop.example/unsubscribe?email={E}&x=1"),
    ("<mailto:j.doe@example.com>", (), f"<mailto:{E}>"),
    # phones, national and international forms, all six default regions
    ("call +44 20 7946 0958 now", (), f"call {P} now"),
    ("call (415) 555-2671 after lunch", (), f"call {P} after lunch"),
    ("my cell is 416-555-0123", (), f"my cell is {P}"),
    ("Ruf an: 030 1234567", (), f"Ruf an: {P}"),
    ("tel 01 23 45 67 89 svp", (), f"tel {P} svp"),
    ("+33 6 12 34 56 78", (), P),
    ("06.12.34.56.78 le soir", (), f"{P} le soir"),
    ("WhatsApp (11) 91234-5678", (), f"WhatsApp {P}"),
    ("from abroad: 0044 20 7946 0958", (), f"from abroad: {P}"),
    ("landline 020 7946 0958.", (), f"landline {P}."),
    ("+1-202-555-0173 or 1-800-555-0199", (), f"{P} or {P}"),
    ("tel:+14155552671", (), f"tel:{P}"),
    # separators the phone matcher accepts and a prefilter must not skip: dashes of every width, full-width
    # brackets and hyphens, no-break and zero-width spaces
    ("call 415–555–2671 tonight", (), f"call {P} tonight"),
    ("Rückruf: 030—1234567 bitte", (), f"Rückruf: {P} bitte"),
    ("（415）555－2671", (), P),
    ("ring 415\u200b555\u200b2671 now", (), f"ring {P} now"),
    ("tel. +44\u00a020\u00a07946\u00a00958", (), f"tel. {P}"),
    # payment cards that pass Luhn, in the layouts people type
    ("card 4111 1111 1111 1111 exp 12/27", (), f"card {C} exp 12/27"),
    ("paid with 5555-5555-5555-4444", (), f"paid with {C}"),
    ("amex 378282246310005", (), f"amex {C}"),
    ("amex 3782 822463 10005", (), f"amex {C}"),
    ("card=4012888888881881&cvv=123", (), f"card={C}&cvv=123"),
    # IP addresses
    ("login from 203.0.113.42 failed", (), f"login from {IP} failed"),
    ("ip: 2001:db8::8a2e:370:7334", (), f"ip: {IP}"),
    ("http://192.168.1.10:8080/admin", (), f"http://{IP}:8080/admin"),
    ("loopback ::1 and fe80::1ff:fe23:4567:890a", (), f"loopback {IP} and {IP}"),
    ("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334.", (), f"full {IP}."),
    # names the row's meta gives, in any case, whole or in part
    ("Hi Jane Whitaker, your parcel is here", ("Jane Whitaker",), f"Hi {N}, your parcel is here"),
    ("JANE asked; whitaker's sister replied", ("Jane Whitaker",), f"{N} asked; {N}'s sister replied"),
    ("Dear María José,", ("María José",), f"Dear {N},"),
    ("Order for O'Neil-Smith", ("Sam O'Neil-Smith",), f"Order for {N}"),
    # several kinds in one text
    ("Jane (jane@x.io, +44 20 7946 0958) paid 4111111111111111 from 10.0.0.7", ("Jane",),
     f"{N} ({E}, {P}) paid {C} from {IP}"),
]

SURVIVES = [
    # the traps: dates and date-times, a millisecond timestamp, an image file name
    "born 05.10.1986 in Berlin",
    "at 2012-01-02 08:00 the parcel left",
    "event at 1700000000000 ms",
    "see 60577_175694-300x159.jpg attached",
    # order numbers, prices, dates and times
    "Order #4851 shipped",
    "order 12345678 is on its way",
    "Refund of $58.40 issued on 2024-03-05",
    "costs 1234567 USD in total",
    "Total: £1,299.00 or 12.50 EUR",
    "delivered Monday at 10:42 and signed for",
    "restarts on 14/01/2025 at 9:30 AM",
    "2024-03-05T10:00:00.123Z",
    # timestamps and ids
    "epoch 1712345678 seconds",
    "invoice INV-2024-000123 attached",
    "customer cus_Q3r8LmT2 asked",
    # tracking numbers
    "Tracking: 1Z999AA10123456784.",
    "USPS 9400 1000 0000 0000 0000 00",
    # versions and file names
    "version 2.4.10 build 20240105",
    "upgrade to version 1.2.3.4 tonight",
    "app v10.15.7 crashed",
    "attached receipt_2024-03-05_4851.pdf",
    # numbers that fail Luhn, and digit runs too short to be phones
    "card 4111 1111 1111 1112 declined",
    "ref 1234567890123456",
    "SKU 48213 in stock: 42 units",
    # URLs, without an email or an address inside
    "https://shop.example/orders/4851?page=2",
    "www.example.com/returns-policy",
    # times and MAC-like strings are no IPv6, dotted numbers past 255 no IPv4
    "open 08:00:00 to 17:30:00",
    "mac 00:1A:2B:3C:4D:5E",
    "std::vector and a::b",
    "Windows build 10.0.19041.1 and 300.168.1.1",
    # a dash inside a number that is neither a phone nor a card, next to a date
    "Order 1234–5678 dated 05.10.1986",
    # names appear only when the row's meta names someone
    "Jane Whitaker is a character in our ad",
]


@pytest.fixture
def redactor():
    return Redactor(regions=DEFAULT_REGIONS, leniency="valid")


@pytest.mark.parametrize(("text", "names", "expected"), REDACTED, ids=[case[0][:40] for case in REDACTED])
def test_personal_data_is_replaced(redactor, text, names, expected):
    assert redactor.redact(text, names) == expected


@pytest.mark.parametrize("text", SURVIVES, ids=[text[:40] for text in SURVIVES])
def test_look_alikes_survive(redactor, text):
    assert redactor.redact(text) == text


def test_the_table_has_forty_cases_or_more_both_ways():
    assert len(REDACTED) >= 20 and len(SURVIVES) >= 20 and len(REDACTED) + len(SURVIVES) >= 40


def test_counts_are_kept_per_kind(redactor):
    redactor.redact("a@b.io, c@d.io and 4111111111111111", ())
    redactor.redact("from 10.0.0.1, call 030 1234567, Jane", ("Jane",))

    assert dict(redactor.counts) == {"email": 2, "phone": 1, "card": 1, "ip": 1, "name": 1}


def test_a_text_seen_again_is_redacted_and_counted_again(redactor):
    # Short texts are remembered (labels, notes, canned replies repeat); each occurrence still counts.
    text = "call +44 20 7946 0958 or mail a@b.io"

    first, second = redactor.redact(text), redactor.redact(text)

    assert first == second == f"call {P} or mail {E}"
    assert (redactor.counts["phone"], redactor.counts["email"]) == (2, 2)


def test_the_same_text_with_other_names_is_redacted_for_those_names(redactor):
    assert redactor.redact("Hi Jane, hi Tom", ("Jane",)) == f"Hi {N}, hi Tom"
    assert redactor.redact("Hi Jane, hi Tom", ("Tom",)) == f"Hi Jane, hi {N}"
    assert redactor.redact("Hi Jane, hi Tom") == "Hi Jane, hi Tom"
    assert redactor.counts["name"] == 2


def test_a_long_text_is_redacted_each_time_without_the_cache(redactor):
    text = "Please call +44 20 7946 0958. " + "The parcel is on its way. " * 20

    assert redactor.redact(text) == redactor.redact(text) == text.replace("+44 20 7946 0958", P)
    assert redactor.counts["phone"] == 2


def test_leniency_is_a_setting():
    # A seven-digit local number has no area code: not a valid number, but a possible one.
    text = "Her phone number is 555-0142 if you want"

    assert Redactor(leniency="valid").redact(text) == text
    assert Redactor(leniency="possible").redact(text) == f"Her phone number is {P} if you want"


def test_regions_are_a_setting():
    # A French national number means nothing to a US-only matcher.
    text = "tel 01 23 45 67 89 svp"

    assert Redactor(regions=["US"]).redact(text) == text
    assert Redactor(regions=["FR"]).redact(text) == f"tel {P} svp"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"regions": ["US", "XX"]}, "unknown phone regions: XX"),
    ({"leniency": "loose"}, "unknown phone leniency 'loose'"),
])
def test_unknown_settings_are_refused(kwargs, message):
    with pytest.raises(RedactionSettingsError, match=message):
        Redactor(**kwargs)


def test_names_come_from_name_like_meta_keys_at_any_depth():
    meta = {
        "customer_name": "Jane Whitaker",
        "recipient": {"first_name": "Tom", "last_name": "Baker"},
        "model": "gpt-4.1-mini",
        "agent_name_prefix": "not a name key",
        "contacts": [{"name": "Ana Lima"}],
    }

    assert names_from_meta(meta) == ("Jane Whitaker", "Tom", "Baker", "Ana Lima")
    assert names_from_meta({}) == () and names_from_meta(None) == ()


@pytest.mark.parametrize(("number", "is_card"), [
    ("4111111111111111", True),
    ("4111111111111112", False),  # fails Luhn
    ("1700000000005", False),  # passes Luhn, but no network issues cards starting with 1
    ("9400100000000000000000", False),  # too long
    ("6011111111111117", True),
])
def test_a_card_passes_luhn_and_starts_like_a_real_network(number, is_card):
    assert card_number_is_card(number) is is_card
