"""SMS reports: the structured message, what gateways post, the sender's pseudonym, the
replies.

**The message** (one SMS, upper or lower case, accents optional)::

    VEILLE <cercle> <catégorie> <gravité 1-5> <texte libre>      (French)
    WATCH  <cercle> <category>  <severity 1-5> <free text>        (English)

for example ``VEILLE Nioro du Sahel affrontement 4 deux blessés au marché`` or
``watch Timbuktu hate 2 tracts``. The keyword sets the language of the reply. The cercle is
any spelling the gazetteer knows (``Tombouctou``, ``Timbuktu``, ``Cercle de Kati``, several
words); the category is a code, a French or English label of :data:`geo.records.fields.ENUMS`, or
one of the short words of :data:`CATEGORY_WORDS` (``haine``, ``attaque``, ``armes``…);
the severity is a whole number from 1 to 5; the free text is optional. A message that does
not follow the form gets a reply saying what was not understood and the expected form.

**Gateways** (:func:`inbound`):

* ``rapidpro`` — a RapidPro / TextIt flow's *Call webhook* node with its default body
  (``contact`` {``uuid``, ``name``, ``urn``}, ``flow``, ``path``, ``results``, ``run``
  {``uuid``, ``created_on``}, ``input`` {``uuid``, ``text``, ``urn``, ``created_on``…},
  ``channel``): the flow's results ``cercle``, ``categorie``/``category``,
  ``gravite``/``severity`` and ``texte``/``text`` when the flow asked for them one by one,
  else the input's text as a structured message. The message id is the input's ``uuid``,
  else the run's. The contact's name is never read.
* ``generic`` — any gateway (FrontlineSMS, Telerivet, an Android SMS gateway app) posting a
  form or a JSON object: ``from``, ``text``, ``id``, ``sent_at`` (ISO 8601 or Unix seconds);
  Telerivet's own names (``from_number``, ``content``, ``time_created``) are accepted too.

**The sender** is never kept: at the door the number is normalised (:func:`normalise_number`:
``+223`` + the 8 digits for Malian numbers) and replaced by a pseudonymous reporter code,
``SMS-`` and the first 10 hexadecimal digits of HMAC-SHA256(key, number) (:func:`pseudonym`).
The same sender always gets the same code (repeated reports can be recognised), and without
the key the code cannot be turned back into the number (40 bits of a keyed hash: a
dictionary of every Malian number cannot be tried without the key).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import parse_qs

from geo.reference.gazetteer import Gazetteer
from geo.i18n import t
from geo.ingest.parse import enum_lookup, norm_value
from geo.records.fields import enum_label

GATEWAYS = ("rapidpro", "generic")
KEYWORDS = {"veille": "fr", "watch": "en"}
#: Longest free text kept (characters): a long SMS is 10 parts of 153 characters.
MAX_TEXT = 1600
#: Short words an SMS uses for a category, besides the codes and labels (normalised).
CATEGORY_WORDS = {
    "haine": "hate_speech", "hate": "hate_speech", "discours": "hate_speech",
    "affrontement": "clash", "affrontements": "clash", "clash": "clash", "combat": "clash",
    "conflit": "intercommunal", "intercommunautaire": "intercommunal",
    "intercommunal": "intercommunal", "communautaire": "intercommunal",
    "attaque": "electoral_attack", "attack": "electoral_attack", "election": "electoral_attack",
    "electoral": "electoral_attack", "electorale": "electoral_attack",
    "arme": "armed_group", "armes": "armed_group", "armed": "armed_group",
    "manif": "protest", "marche": "protest",
}
_SEPARATORS = re.compile(r"[\s,;*#]+")


@dataclass(frozen=True)
class Inbound:
    """One message as a gateway gave it. ``sender`` is the raw number (kept in memory only,
    for :func:`pseudonym`); ``fields`` are a RapidPro flow's results when it asked for them."""

    gateway: str
    message_id: str
    sender: str
    text: str
    sent_at: datetime | None
    fields: dict | None = None


@dataclass(frozen=True)
class Parsed:
    """A message understood (``problem`` None) or not: the problem's code (``keyword``,
    ``cercle``, ``category``, ``severity``, ``too_long``) and, for an unknown cercle, the
    gazetteer's suggestions."""

    lang: str
    cercle_id: str | None = None
    category: str | None = None
    severity: int | None = None
    text: str | None = None
    problem: str | None = None
    suggestions: tuple[str, ...] = ()


class PayloadError(ValueError):
    """A body that is not what the gateway posts (its code: ``malformed``)."""


def normalise_number(raw: str) -> str:
    """``tel:+223 76 12 34 56`` / ``0022376123456`` / ``76123456`` → ``+22376123456``; a
    foreign number keeps its country code (``+33 6 …`` → ``+336…``)."""
    text = str(raw or "").strip()
    text = re.sub(r"^[a-z]+:", "", text, flags=re.IGNORECASE)       # URN scheme (tel:)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if len(digits) == 8:
        return "+223" + digits
    return "+" + digits


def pseudonym(number: str, key: str) -> str:
    """The reporter code of a sender: ``SMS-`` and 10 upper-case hexadecimal digits of
    HMAC-SHA256(``key``, :func:`normalise_number` (``number``))."""
    digest = hmac.new(key.encode(), normalise_number(number).encode(), hashlib.sha256)
    return "SMS-" + digest.hexdigest()[:10].upper()


def message_key(gateway: str, message_id: str) -> str:
    """The replay key of a message: SHA-256 of the gateway and its message id (hex)."""
    return hashlib.sha256(f"{gateway}\x1f{message_id}".encode()).hexdigest()


# --------------------------------------------------------------------------- parsing

@lru_cache(maxsize=1)
def _categories() -> dict[str, str]:
    return {**CATEGORY_WORDS, **enum_lookup("tensions", "category")}


def _category(words: list[str]) -> tuple[str | None, int]:
    lookup = _categories()
    for n in range(min(4, len(words)), 0, -1):
        key = norm_value(" ".join(words[:n]))
        code = lookup.get(key)
        if code:
            return code, n
    return None, 0


def _cercle(words: list[str], gazetteer: Gazetteer) -> tuple[str | None, int, tuple]:
    for n in range(min(4, len(words)), 0, -1):
        found = gazetteer.resolve(" ".join(words[:n]), "cercle")
        if found.ok:
            return found.code, n, ()
    first = gazetteer.resolve(words[0], "cercle") if words else None
    return None, 0, tuple(first.suggestions) if first is not None else ()


def _severity(word: str | None) -> int | None:
    return int(word) if word is not None and re.fullmatch(r"[1-5]", word) else None


def parse(text: str, gazetteer: Gazetteer, lang: str | None = None) -> Parsed:
    """Read a structured message (module docstring). ``lang`` is the language to answer in
    when the keyword is missing (French by default)."""
    words = [w for w in _SEPARATORS.split(str(text or "").strip()) if w]
    keyword = norm_value(words[0]) if words else ""
    if keyword not in KEYWORDS:
        return Parsed(lang or "fr", problem="keyword")
    lang = KEYWORDS[keyword]
    if len(text) > MAX_TEXT:
        return Parsed(lang, problem="too_long")
    rest = words[1:]
    cercle, used, suggestions = _cercle(rest, gazetteer)
    if cercle is None:
        return Parsed(lang, problem="cercle", suggestions=suggestions)
    rest = rest[used:]
    category, used = _category(rest)
    if category is None:
        return Parsed(lang, cercle, problem="category")
    rest = rest[used:]
    severity = _severity(rest[0] if rest else None)
    if severity is None:
        return Parsed(lang, cercle, category, problem="severity")
    free = " ".join(rest[1:]).strip() or None
    return Parsed(lang, cercle, category, severity, free)


def parse_fields(fields: dict, gazetteer: Gazetteer, lang: str = "fr") -> Parsed:
    """Read a flow's answers given one by one (``cercle``, ``category``, ``severity``,
    ``text``, already picked out by :func:`inbound`)."""
    words = [w for w in _SEPARATORS.split(str(fields.get("cercle") or "")) if w]
    cercle, used, suggestions = _cercle(words, gazetteer)
    if cercle is None or used != len(words):
        return Parsed(lang, problem="cercle", suggestions=suggestions)
    category, used = _category([w for w in _SEPARATORS.split(str(fields.get("category")
                                                                    or "")) if w])
    if category is None:
        return Parsed(lang, cercle, problem="category")
    severity = _severity(str(fields.get("severity") or "").strip())
    if severity is None:
        return Parsed(lang, cercle, category, problem="severity")
    free = str(fields.get("text") or "").strip() or None
    if free and len(free) > MAX_TEXT:
        return Parsed(lang, problem="too_long")
    return Parsed(lang, cercle, category, severity, free)


# --------------------------------------------------------------------------- payloads

def _when(value) -> datetime | None:
    """An ISO 8601 time or Unix seconds, as an aware UTC datetime (None when unreadable)."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, (int, float)) or re.fullmatch(r"\d{9,11}(\.\d+)?", str(value)):
            return datetime.fromtimestamp(float(value), timezone.utc)
        found = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return found if found.tzinfo else found.replace(tzinfo=timezone.utc)


def body_fields(body: bytes, content_type: str) -> dict:
    """A posted body as a dict: JSON (an object) or a form (``application/x-www-form-
    urlencoded``; each field's first value)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("malformed") from None
    if "json" in (content_type or "").lower() or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise PayloadError("malformed") from None
        if not isinstance(data, dict):
            raise PayloadError("malformed")
        return data
    try:
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text),
                        max_num_fields=50)
    except ValueError:
        raise PayloadError("malformed") from None
    return {k: v[0] for k, v in form.items()}


def _first(data: dict, *names: str):
    return next((data[n] for n in names if data.get(n) not in (None, "")), None)


#: RapidPro flow result names (normalised) → what they give.
_RESULT_NAMES = {"cercle": "cercle", "circle": "cercle", "categorie": "category",
                 "category": "category", "gravite": "severity", "severity": "severity",
                 "texte": "text", "text": "text", "message": "text", "description": "text"}


def inbound(gateway: str, data: dict) -> Inbound:
    """The message a gateway posted (see the module docstring).

    Raises
    ------
    PayloadError
        When the body lacks a sender, a message id or a text.
    """
    if gateway == "rapidpro":
        contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
        given = data.get("input") if isinstance(data.get("input"), dict) else {}
        run = data.get("run") if isinstance(data.get("run"), dict) else {}
        urn = contact.get("urn")
        if not urn:
            given_urn = given.get("urn")
            urn = given_urn.get("path") if isinstance(given_urn, dict) else given_urn
        message_id = given.get("uuid") or run.get("uuid")
        results = data.get("results") if isinstance(data.get("results"), dict) else {}
        fields = {}
        for name, result in results.items():
            target = _RESULT_NAMES.get(norm_value(name).replace(" ", "_"))
            if target and isinstance(result, dict) and result.get("value") is not None:
                fields[target] = str(result["value"])
        text = given.get("text") if isinstance(given.get("text"), str) else ""
        sent = _when(given.get("created_on") or run.get("created_on"))
        if not urn or not message_id or not (text or fields):
            raise PayloadError("malformed")
        return Inbound(gateway, str(message_id)[:200], str(urn), text, sent,
                       fields if {"cercle", "category", "severity"} <= set(fields) else None)
    sender = _first(data, "from", "from_number", "sender", "phone")
    text = _first(data, "text", "content", "message", "body")
    message_id = _first(data, "id", "message_id", "msg_id")
    if not sender or text is None or not message_id:
        raise PayloadError("malformed")
    return Inbound(gateway, str(message_id)[:200], str(sender), str(text),
                   _when(_first(data, "sent_at", "time_created", "timestamp")))


# --------------------------------------------------------------------------- replies

def expected_form(lang: str) -> str:
    return t("intake.sms.form", lang)


def reply(parsed: Parsed, outcome: str, lang: str | None = None, **params) -> str:
    """The text the gateway can send back: ``received`` (what was understood),
    ``not_understood`` (what and the expected form), ``personal`` (received, not recorded:
    it held a name or a number), ``rate_limited``."""
    lang = lang or parsed.lang
    if outcome == "received":
        return t("intake.sms.reply.received", lang, cercle=params.get("cercle", ""),
                 category=enum_label("tensions", "category", parsed.category, lang),
                 severity=parsed.severity)
    if outcome == "not_understood":
        hint = t(f"intake.sms.problem.{parsed.problem}", lang)
        if parsed.suggestions:
            hint += " " + t("intake.sms.suggest", lang, names=", ".join(parsed.suggestions))
        return t("intake.sms.reply.not_understood", lang, problem=hint,
                 form=expected_form(lang))
    return t(f"intake.sms.reply.{outcome}", lang, form=expected_form(lang))
