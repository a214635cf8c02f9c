"""Stored and imported text stays text: one function per kind of output that shows it.

Anything a user typed or imported — report summaries, action outcomes, review notes,
scenario names, context-factor names and descriptions, file names, user labels, text that
came in by SMS or from a KoboToolbox/ODK form, a value read from the URL — is shown through
the function of the output it goes into, never pasted into markup as it is:

* **HTML** (a table's print copy, a map's tooltip or legend, an e-mail, anything handed to
  ``st.html``): :func:`for_html` (``& < > " '`` as entities; an attribute is quoted).
  The brief's templates escape by themselves (Jinja's autoescape).
* **Markdown** (``st.markdown``, ``st.caption``, ``st.info``/``success``/``warning``/``error``,
  widget labels and ``help=`` texts, which Streamlit renders as Markdown): :func:`for_markdown`
  (every ASCII punctuation character escaped with a backslash, so no link, image, emphasis,
  heading, list, table, LaTeX, colour or icon directive, and no raw HTML can form; an
  address cannot become a live link).
* **CSV**: :func:`geo.outputs.export.neutralise` (a cell a spreadsheet would read as a formula
  is prefixed).
* **Plain text** (``st.text``, a select box's options, a table's cells drawn by
  ``st.dataframe``, chart labels drawn as SVG text): nothing to do.
"""

from __future__ import annotations

import html
import re

#: ASCII punctuation: CommonMark lets a backslash escape each of these characters.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
#: Where GitHub's autolinks to a web address start in plain text — ``scheme://``, ``www.``
#: — which Streamlit's renderer links even when every character is escaped (an e-mail
#: address's ``mailto:`` link fetches nothing, and addresses stay as typed).
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=\bwww)(?=\.))")
#: U+2060 WORD JOINER: invisible, and no autolink runs across it.
WORD_JOINER = "\u2060"


def for_html(value: object) -> str:
    """``value`` as text inside HTML (element content or a quoted attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def for_markdown(value: object) -> str:
    """``value`` shown literally inside Markdown: each ASCII punctuation character escaped
    with a backslash (CommonMark's escapes), so ``[a](http://x)`` stays those characters, and
    a line break cannot start a heading, a list or a quotation; an invisible word joiner
    where an autolink would start (``http:⁠//``, ``www⁠.``), so a bare web address is
    not made a live link."""
    text = _AUTOLINK.sub(WORD_JOINER, "" if value is None else str(value))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
