"""The personal-data screen: no name, phone number or e-mail address ever enters the store.

Mediators and informants can be harmed if exposed, so Veille keeps pseudonymous codes only
(data minimisation, OCHA Data Responsibility Guidelines). A file is screened twice before
anything of it is stored:

* **headers** — a column whose header names a person or a way to reach one, in French or
  English (``nom``, ``noms et prénoms``, ``prénom``, ``contact du médiateur``, ``numéro``,
  ``téléphone``, ``adresse électronique``, ``e-mail``, ``whatsapp``, ``adresse``…) refuses the
  whole file. Headers that name a *place* (``nom_region``, ``admin1``), an *organisation*
  (``nom_organisation``) or a conflict *actor* as ACLED and UCDP publish them (``actor1``,
  ``assoc_actor_1``, ``side_a``, ``dyad_name``) are not personal data;
* **values** — a phone number (Mali's ``+223``/``00223`` and 8-digit forms such as
  ``76 12 34 56``, and international ``+<country> …`` forms) or an e-mail address in a column
  that is not free text refuses the file too, naming the column and the kind of data (never
  the value). In a free-text cell (``summary``, ``notes``, ``languages``, ``organiser``) it
  rejects that row, as does a person named after a label (``informateur : …``,
  ``contact : …``, ``M. …``, ``Mme …``).

The screen answers with codes (:data:`KIND_PHONE`, :data:`KIND_EMAIL`, :data:`KIND_NAME`);
the importer turns them into messages in both languages.
"""

from __future__ import annotations

import re
import unicodedata

KIND_PHONE = "phone"
KIND_EMAIL = "email"
KIND_NAME = "name"
KIND_HEADER = "header"

#: Words of a normalised header that name a person.
_PERSON_WORDS = frozenset({
    "nom", "noms", "name", "names", "prenom", "prenoms", "surname", "firstname", "lastname",
    "fullname", "patronyme", "informateur", "informatrice", "informant", "temoin", "witness",
    "contact", "contacts", "signataire_nom",
})
#: Words that name a way to reach a person.
_REACH_WORDS = frozenset({
    "phone", "telephone", "tel", "tél", "mobile", "portable", "cellulaire", "cell",
    "whatsapp", "gsm", "email", "mail", "courriel", "adresse", "address", "telegram", "signal",
    "viber", "skype", "facebook", "twitter",
})
#: Headers made of these words (alone) are phone-number columns in French field forms.
_PHONE_ALONE = frozenset({"numero", "num", "no", "n", "numero_de", "numeros"})
#: Words that make a header about a place, an organisation, an event or an actor, not a person.
_NOT_A_PERSON = frozenset({
    "region", "cercle", "commune", "village", "localite", "lieu", "place", "site", "admin1",
    "admin2", "admin3", "adm1", "adm2", "adm3", "district", "prefecture", "country", "pays",
    "location", "organisation", "organization", "org", "structure", "partenaire", "parti",
    "partis", "groupe", "group", "association", "actor", "actor1", "actor2", "acteur", "side",
    "dyad", "event", "evenement", "atelier", "workshop", "fichier", "file", "source", "projet",
    "project", "indicateur", "variable", "categorie", "category", "type", "lot", "batch",
    "formulaire", "form", "langue", "language",
})
#: Columns of external conflict-event formats that hold public actor names, not persons.
ACTOR_COLUMNS = frozenset({
    "actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "inter1", "inter2", "interaction",
    "side_a", "side_b", "side_a_new_id", "side_b_new_id", "dyad_name", "dyad_new_id",
    "conflict_name", "source_article", "source_office", "source_original", "source_headline",
    "source", "source_scale",
})

# A phone number: +223 / 00223 then 8 digits; an international number; or Mali's 8 digits
# grouped by two (76 12 34 56, 76.12.34.56) or written at once from a mobile prefix (5–9).
_SEP = r"[\s.\-/]?"
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\s?223" + _SEP + r"(?:\d" + _SEP + r"){7}\d"       # Mali, international form
    r"|\+\s?[1-9]\d{0,2}(?:[\s.\-]?\(?\d+\)?){2,6}"                 # other international forms
    r"|\d{2}(?:[\s.\-]\d{2}){3}"                                     # 76 12 34 56
    r"|[5-9]\d{7}"                                                    # 76123456
    r")(?![\w])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# A person introduced by a label or a title: "informateur : Amadou Diallo", "M. Traoré".
_NAME = re.compile(
    r"(?:\b(?:informat(?:eur|rice)|informant|t[ée]moin|witness|contact|nom|name|"
    r"m[ée]diat(?:eur|rice)|mediator|appel[ée]e?|called|signal[ée]e? par|reported by)"
    r"\s*(?:[:=]|est|is)\s*"
    r"|\b(?:M\.|Mme\.?|Mlle\.?|Mr\.?|Mrs\.?|Ms\.?|Monsieur|Madame|Mademoiselle|Dr\.?)\s+)"
    r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'\-]+", re.UNICODE)


def _words(header: str) -> list[str]:
    text = unicodedata.normalize("NFKD", str(header).replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.split("/")[-1]
    return [w for w in re.split(r"[^a-z0-9]+", text) if w]


def header_kind(header: str) -> str | None:
    """``"name"`` or ``"phone"``/``"email"`` when a header names a person or a way to reach
    one; ``None`` otherwise (places, organisations, ACLED/UCDP actors are not persons)."""
    words = _words(header)
    if not words:
        return None
    joined = "_".join(words)
    if joined in ACTOR_COLUMNS or joined.lstrip("_") in ACTOR_COLUMNS:
        return None
    wset = set(words)
    if wset & {"email", "mail", "courriel"} or (
            "adresse" in wset and wset & {"electronique", "mail", "email"}):
        return KIND_EMAIL
    if wset & (_REACH_WORDS - {"adresse", "address"}):
        return KIND_PHONE
    if joined in _PHONE_ALONE or (wset & {"numero", "numeros", "num"}
                                  and not wset & (_NOT_A_PERSON | {"id", "code", "ordre",
                                                                   "serie", "ligne", "row"})):
        return KIND_PHONE
    if wset & {"adresse", "address"} and not wset & _NOT_A_PERSON:
        return KIND_NAME
    if wset & _PERSON_WORDS and not wset & _NOT_A_PERSON:
        return KIND_NAME
    return None


def value_kind(value: object) -> str | None:
    """``"email"`` or ``"phone"`` when a cell holds an e-mail address or a phone number."""
    if value is None:
        return None
    text = str(value)
    if "@" in text and _EMAIL.search(text):
        return KIND_EMAIL
    if len(text) >= 8 and _PHONE.search(text):
        return KIND_PHONE
    return None


def free_text_kind(value: object) -> str | None:
    """:func:`value_kind`, or ``"name"`` when a free-text cell names a person after a label
    or a title (``"informateur : Amadou Diallo"``, ``"Mme Coulibaly"``)."""
    found = value_kind(value)
    if found or value is None:
        return found
    return KIND_NAME if _NAME.search(str(value)) else None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """``text`` without control characters (NUL and the like: PostgreSQL refuses NUL in text,
    and none belongs in a note or a name); line breaks and tabs stay."""
    return _CONTROL.sub("", text)


def note(text: str | None, maximum: int, long_code: str) -> tuple[str | None, tuple | None]:
    """A free-text note as it is stored (control characters out, trimmed, None when empty)
    and the reason it is refused, if any: ``(long_code, {"max": maximum})`` when longer than
    ``maximum``, ``("personal", {"kind": …})`` when it holds a phone number, an e-mail
    address or a person's name."""
    text = printable(text or "").strip() or None
    if text and len(text) > maximum:
        return text, (long_code, {"max": maximum})
    kind = free_text_kind(text) if text else None
    return text, (("personal", {"kind": kind}) if kind else None)
