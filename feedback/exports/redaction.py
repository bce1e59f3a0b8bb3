"""Personal data out of free text before it leaves the database: emails, phones, cards, IPs and names.

Each kind has its own detector, tuned to miss what must survive (order numbers, prices, dates and times,
timestamps, tracking numbers, versions, file names, URLs). Phones are found by `phonenumbers`' matcher, not a
regex; dates, times, prices, order numbers, versions and identifiers that mix letters and digits (tracking numbers,
SKUs, file names) are hidden from it first, since those are the matcher's known false
positives (`05.10.1986` read as a German number, `INV-2024-000123` as an American one): the matcher reads the
text with those blanked out.

Every check that can be skipped is gated by a cheap test first (an '@', a run of digits), because most texts
hold no personal data and the export's speed is the redactor's speed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import phonenumbers
from phonenumbers import Leniency

EMAIL = "[EMAIL_REDACTED]"
PHONE = "[PHONE_REDACTED]"
CARD = "[CARD_REDACTED]"
IP = "[IP_REDACTED]"
NAME = "[NAME_REDACTED]"
KINDS = ("email", "phone", "card", "ip", "name")

LENIENCIES = {
    "possible": Leniency.POSSIBLE,
    "valid": Leniency.VALID,
    "strict_grouping": Leniency.STRICT_GROUPING,
    "exact_grouping": Leniency.EXACT_GROUPING,
}
DEFAULT_REGIONS = ("US", "GB", "CA", "DE", "FR", "BR")

# RFC 5322 is wider; this is what people type, including plus tags and subdomains. Inside a URL
# (mailto:, ?email=...) it is still an email.
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")

_IPV4_GATE_RE = re.compile(r"\d\.\d{1,3}\.\d")
_IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
# Hex groups with at least two colons, optionally ending in an IPv4 address; ipaddress decides.
_IPV6_RE = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:])"
)
# A version string that happens to have four parts ("version 1.2.3.4") is not an address.
_VERSION_WORD_RE = re.compile(r"(?:\b(?:version|ver|release|build|firmware|v)\.?\s*)$", re.IGNORECASE)

# Card layouts: 13-19 digits in one run, in groups of four, or Amex / Diners' 4-6-5 / 4-6-4.
_CARD_RE = re.compile(
    r"(?<![\d.,-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})(?![\d]|[.,-]\d)"
)

# Runs of at least six digits, separators allowed: shorter runs are too often SKUs, postcodes and counts (and a
# German number of four or five digits is the only valid one that short). The separators are every one
# phonenumbers' matcher accepts between digits (its VALID_PUNCTUATION, spaces of every kind): a narrower set
# here would let the gate skip numbers the matcher finds, such as 415–555–2671 with en dashes.
_PHONE_SEPARATORS = (
    "\\s\u00ad\u200b\u2060().\\-/~\\[\\]\u2010-\u2015\u2212\u30fc\uff0d-\uff0f\uff08\uff09\uff3b\uff3d\u2053\u223c\uff5e"
)
_PHONE_GATE_RE = re.compile(r"\d(?:[" + _PHONE_SEPARATORS + r"]{0,3}\d){5,}")
_CARD_SEPARATORS_RE = re.compile(r"[ -]")

# What must survive, and what the phone matcher would otherwise take for a number.
_PROTECTED_RE = re.compile(
    "|".join(
        [
            r"\b(?:https?|ftp)://[^\s<>\"']+",  # URLs (emails and addresses inside are redacted before this)
            r"\bwww\.[^\s<>\"']+",
            # ISO dates, date-times and timestamps: 2012-01-02, 2012-01-02 08:00, 2024-03-05T10:00:00.123Z
            r"\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
            # Dates with dots, slashes or dashes: 05.10.1986, 5/10/86, 2024/03/05
            r"(?<![\d.])\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![./-]?\d)",
            r"(?<![\d.])\d{4}[./]\d{1,2}[./]\d{1,2}(?![./-]?\d)",
            r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?\b",  # times
            r"(?<!\d)1\d{9}(?:\d{3})?(?!\d)",  # Unix timestamps in seconds or milliseconds
            r"#\s?\d[\d-]*",  # order and ticket numbers: #4851
            # Prices: $58.40, £1,299, 12.50 EUR, 99 €
            r"[$€£¥]\s?\d[\d,.]*",
            r"\d[\d,.]*\s?(?:€|USD|EUR|GBP|CAD|BRL|R\$|dollars|euros|pounds)\b",
            r"(?<![\d.])\d{1,2}\.\d{1,3}\.\d{1,3}(?![.\d])",  # versions: 2.4.10
            r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![.\d])",  # address-shaped, past 255: 300.168.1.1
            r"(?<![\d.])\d+[.,]\d{1,2}(?![.,\d])",  # decimals: 58.40, 3,5
            # Identifiers that mix letters and digits: tracking numbers, SKUs, invoices, file names, v2.4.1
            # (tried at the start of a token only: the lookbehind keeps this linear in the text's length)
            r"(?<![\w.-])(?=[\w.-]*?\d)(?=[\w.-]*?[A-Za-z_])[\w.-]+",
        ]
    )
)

# meta keys that hold a person's name: name, customer_name, first_name, recipient_full_name, surname...
_NAME_KEY_RE = re.compile(
    r"^(?:(?:customer|recipient|contact|billing|shipping|buyer|sender|receiver|user|client|account_holder)_?)?"
    r"(?:(?:first|last|full|middle|given|family|display)_?)?(?:name|surname)$",
    re.IGNORECASE,
)
# Texts up to this length are remembered, the last _CACHE_ENTRIES of them (about 2 MB at most).
_CACHED_TEXT_MAX = 256
_CACHE_ENTRIES = 4096

# Not worth a name pattern of its own: initials would redact every "a" and "I".
_MIN_NAME_PART = 2


class RedactionSettingsError(ValueError):
    """An unknown phone region or leniency in the settings."""


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card_brand_length_ok(digits: str) -> bool:
    """Whether the number starts like a card of a real network, with a length that network issues.

    A 13-digit millisecond timestamp (1700000000000) passes Luhn one time in ten; no network issues cards
    starting with 1, 7, 8, 9 or 0, so it is never a card.
    """
    length = len(digits)
    two, four, six = int(digits[:2]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4":  # Visa
        return length in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:  # Mastercard
        return length == 16
    if two in (34, 37):  # American Express
        return length == 15
    if 300 <= int(digits[:3]) <= 305 or two in (36, 38, 39):  # Diners Club
        return 14 <= length <= 19
    if 3528 <= four <= 3589:  # JCB
        return 16 <= length <= 19
    if four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649 or 622126 <= six <= 622925:  # Discover
        return 16 <= length <= 19
    if two == 62:  # UnionPay
        return 16 <= length <= 19
    if two == 50 or 56 <= two <= 69:  # Maestro
        return 13 <= length <= 19
    return False


def card_number_is_card(candidate: str) -> bool:
    digits = _CARD_SEPARATORS_RE.sub("", candidate)
    return 13 <= len(digits) <= 19 and _card_brand_length_ok(digits) and _luhn_valid(digits)


def names_from_meta(meta: Mapping | None) -> tuple[str, ...]:
    """Every string under a name-like key of `meta`, at any depth (meta["customer"]["name"] included)."""
    found: list[str] = []

    def walk(value, key: str | None) -> None:
        if isinstance(value, Mapping):
            for child_key, child in value.items():
                walk(child, str(child_key))
        elif isinstance(value, list):
            for child in value:
                walk(child, key)
        elif isinstance(value, str) and key is not None and _NAME_KEY_RE.match(key) and value.strip():
            found.append(value.strip())

    if meta:
        walk(meta, None)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=4096)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """Whole names first, then each of their words: "Jane Whitaker", "Jane", "Whitaker"; any case."""
    alternatives = set(names)
    for name in names:
        alternatives.update(part for part in re.split(r"\s+", name) if len(part) >= _MIN_NAME_PART)
    alternatives = {alt for alt in alternatives if len(alt) >= _MIN_NAME_PART}
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=lambda alt: (-len(alt), alt))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(alt) for alt in ordered) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _rules_digest() -> str:
    """What decides the redactor's output besides its settings: this module's rules and phonenumbers' data."""
    return hashlib.sha256(Path(__file__).read_bytes() + phonenumbers.__version__.encode()).hexdigest()[:16]


class Redactor:
    """Redacts free text and counts what it replaced, per kind, over its lifetime (one export)."""

    def __init__(self, *, regions: Iterable[str] = DEFAULT_REGIONS, leniency: str = "valid"):
        self.regions = tuple(region.strip().upper() for region in regions if region.strip())
        supported = phonenumbers.SUPPORTED_REGIONS
        unknown = [region for region in self.regions if region not in supported]
        if unknown or not self.regions:
            raise RedactionSettingsError(
                f"unknown phone regions: {', '.join(unknown) or '(none given)'}; use ISO 3166 codes such as US, GB, DE"
            )
        if leniency not in LENIENCIES:
            raise RedactionSettingsError(f"unknown phone leniency {leniency!r}; expected one of {', '.join(LENIENCIES)}")
        self.leniency_name = leniency
        self.leniency = LENIENCIES[leniency]
        self.counts: Counter[str] = Counter(dict.fromkeys(KINDS, 0))
        self._cache: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[tuple[str, int], ...]]] = {}
        self._windows: dict[str, tuple[tuple[int, int], ...]] = {}  # phone spans by window (_phones_in)
        self._found: defaultdict[str, int] = defaultdict(int)  # replaced so far in the text being redacted

    def settings(self) -> dict:
        return {"phone_regions": list(self.regions), "phone_leniency": self.leniency_name}

    def key(self) -> str:
        """Names what this redactor writes: a text stored redacted under another key may redact differently
        today (other settings, changed rules or phonenumbers' data), so it is redacted again, never reused."""
        return f"{_rules_digest()}:{','.join(self.regions)}:{self.leniency_name}"

    def redact(self, text: str | None, names: tuple[str, ...] = ()) -> str | None:
        if not text:
            return text
        # The same text with the same names always redacts the same way: short texts (labels, notes, canned
        # replies such as "Thanks, that solved it!") repeat in real traffic and are looked up instead.
        cacheable = len(text) <= _CACHED_TEXT_MAX
        if cacheable:
            hit = self._cache.get((text, names))
            if hit is not None:
                redacted, found = hit
                for kind, count in found:
                    self.counts[kind] += count
                return redacted
        self._found = defaultdict(int)
        redacted = self._redact(text, names)
        found = tuple((kind, count) for kind, count in self._found.items() if count)
        for kind, count in found:
            self.counts[kind] += count
        if cacheable:
            if len(self._cache) >= _CACHE_ENTRIES:
                del self._cache[next(iter(self._cache))]  # the oldest entry: memory stays bounded
            self._cache[(text, names)] = (redacted, found)
        return redacted

    def _redact(self, text: str, names: tuple[str, ...]) -> str:
        if "@" in text:
            text = self._sub(_EMAIL_RE, EMAIL, "email", text)
        if _IPV4_GATE_RE.search(text):
            text = self._sub_ipv4(text)
        if text.count(":") >= 2:
            text = self._sub_ipv6(text)
        if _PHONE_GATE_RE.search(text):
            text = self._sub_cards(text)
            text = self._sub_phones(text)
        if names:
            pattern = _name_pattern(names)
            if pattern is not None:
                text = self._sub(pattern, NAME, "name", text)
        return text

    def _sub(self, pattern: re.Pattern, replacement: str, kind: str, text: str) -> str:
        text, count = pattern.subn(replacement, text)
        self._found[kind] += count
        return text

    def _sub_ipv4(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            if _VERSION_WORD_RE.search(text[max(0, match.start() - 12) : match.start()]):
                return match.group()
            try:
                ipaddress.IPv4Address(match.group())
            except ValueError:
                return match.group()
            self._found["ip"] += 1
            return IP

        return _IPV4_RE.sub(replace, text)

    def _sub_ipv6(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            candidate = match.group()
            # "a::b" is a valid address too, but an address people paste has digits in it; C++ names have none.
            if not any(char.isdigit() for char in candidate):
                return candidate
            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                return candidate
            self._found["ip"] += 1
            return IP

        return _IPV6_RE.sub(replace, text)

    def _sub_cards(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            if not card_number_is_card(match.group()):
                return match.group()
            self._found["card"] += 1
            return CARD

        return _CARD_RE.sub(replace, text)

    def _sub_phones(self, text: str) -> str:
        spans: list[tuple[int, int]] = []
        for start, end in _digit_windows(text):
            spans.extend(self._phones_in(text, start, end))
        for start, end in reversed(spans):
            text = text[:start] + PHONE + text[end:]
        self._found["phone"] += len(spans)
        return text

    def _phones_in(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Phone numbers in text[start:end], as spans of `text`.

        A window's phones depend on the window's text alone, and the matcher is most of an export's time: a
        window seen before (a support line in every signature, a customer's number quoted back) is looked up.
        """
        window = text[start:end]
        spans = self._windows.get(window)
        if spans is None:
            spans = self._phones_in_window(window)
            if len(self._windows) >= _CACHE_ENTRIES:
                del self._windows[next(iter(self._windows))]
            self._windows[window] = spans
        return [(start + span_start, start + span_end) for span_start, span_end in spans]

    def _phones_in_window(self, window: str) -> tuple[tuple[int, int], ...]:
        """Spans of the phone numbers in `window`.

        The matcher reads the window with what must survive blanked out (same length, so offsets hold): it never
        sees a date, a price or a tracking number, and it does not run when no run of digits is left. Regions are
        tried in order until one finds a number: an international number is found by the first.
        """
        blanked = _PROTECTED_RE.sub(_blank, window)
        if blanked != window:
            window = blanked
            if not _PHONE_GATE_RE.search(window):
                return ()
        found: set[tuple[int, int]] = set()
        for region in self.regions:
            for match in phonenumbers.PhoneNumberMatcher(window, region, leniency=self.leniency):
                found.add((match.start, match.end))
            if found and _all_digit_runs_covered(window, 0, found):
                break
        kept: list[tuple[int, int]] = []
        # Widest first, so a number found whole by one region wins over a part of it found by another.
        for span in sorted(found, key=lambda span: (span[0], -span[1])):
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return tuple(kept)


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


# Context kept around a run of digits: the words a date, a price or a time continues into ("9:30 AM", "12.50
# EUR"), extended to whole tokens so a URL or an identifier is seen whole.
_WINDOW_CONTEXT = 12


def _digit_windows(text: str) -> list[tuple[int, int]]:
    """Spans of `text` around its runs of six or more digits, merged where they overlap."""
    windows: list[tuple[int, int]] = []
    for match in _PHONE_GATE_RE.finditer(text):
        start, end = max(0, match.start() - _WINDOW_CONTEXT), min(len(text), match.end() + _WINDOW_CONTEXT)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _all_digit_runs_covered(window: str, offset: int, found: set[tuple[int, int]]) -> bool:
    return all(
        any(start <= offset + run.start() and offset + run.end() <= end for start, end in found)
        for run in _PHONE_GATE_RE.finditer(window)
    )
