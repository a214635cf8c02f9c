"""ODK Central: a form's submissions from its OData service, its choice labels from the
XForm.

* ``GET {server}/v1/projects/{id}/forms/{xmlFormId}.xml`` — the form definition: the
  choices of each ``select1`` (inline ``item``\\ s or an ``itemset`` over a secondary
  instance; labels inline or through ``itext`` translations), so that a category whose
  choice name is not one of Veille's codes is recognised by its label.
* ``GET {server}/v1/projects/{id}/forms/{xmlFormId}.svc/Submissions?$top=N&$count=true``
  ``&$filter=__system/submissionDate ge C or __system/updatedAt ge C`` — the submissions
  received *or edited* since the cursor C (``__system/updatedAt`` is set by an edit; both are
  filterable, as documented); ``@odata.nextLink`` is followed until absent.
* ``Authorization: Bearer <token>`` — a session token or an App User's token.

``__id`` is the submission's instanceID and stays the same when the submission is edited
(an edit is a new version of the same submission): it is the key. Groups come as nested
objects (flattened to ``group/field``), geopoints as GeoJSON ``{"type": "Point",
"coordinates": [lon, lat, alt]}`` (flattened to ``field_latitude`` / ``field_longitude``),
repeats as lists (left out), ``__system`` and ``meta`` left out.
"""

from __future__ import annotations

import re

import defusedxml.ElementTree as ElementTree

from geo.intake.remote import Client, Source, SyncError

PLATFORM = "odk"
#: Submissions per page.
PAGE_SIZE = 1000


def client(source: Source, token: str, transport=None) -> Client:
    return Client(source.server, f"Bearer {token}", transport)


def form_url(source: Source) -> str:
    return f"{source.server}/v1/projects/{source.project}/forms/{source.form}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def choice_labels(http: Client, source: Source) -> dict[str, dict[str, list[str]]]:
    """``{question path: {choice name: [labels]}}`` of the form's ``select1`` questions
    (``/data/grp/q`` → ``grp/q``); a 404 here is an unknown form."""
    text = http.text(f"{form_url(source)}.xml")
    try:
        root = ElementTree.fromstring(text)
    except Exception:  # noqa: BLE001 - defusedxml's refusals and parse errors alike
        raise SyncError("malformed", detail="xform") from None
    itext: dict[str, list[str]] = {}
    for node in root.iter():
        if _local(node.tag) == "text" and node.get("id"):
            values = [("".join(v.itertext())).strip() for v in node
                      if _local(v.tag) == "value" and not v.get("form")]
            itext.setdefault(node.get("id"), []).extend(v for v in values if v)
    instances = {node.get("id"): node for node in root.iter()
                 if _local(node.tag) == "instance" and node.get("id")}

    def labels_of(label_node) -> list[str]:
        if label_node is None:
            return []
        ref = re.match(r"jr:itext\('([^']+)'\)", label_node.get("ref") or "")
        if ref:
            return itext.get(ref.group(1), [])
        text = "".join(label_node.itertext()).strip()
        return [text] if text else []

    out = {}
    for node in root.iter():
        if _local(node.tag) != "select1" or not node.get("ref"):
            continue
        path = "/".join(node.get("ref").strip("/").split("/")[1:])
        choices: dict[str, list[str]] = {}
        for child in node:
            if _local(child.tag) == "item":
                parts = {_local(c.tag): c for c in child}
                if "value" in parts:
                    choices[(parts["value"].text or "").strip()] = labels_of(parts.get("label"))
            elif _local(child.tag) == "itemset":
                found = re.match(r"instance\('([^']+)'\)", child.get("nodeset") or "")
                instance = instances.get(found.group(1)) if found else None
                for item in instance.iter() if instance is not None else ():
                    if _local(item.tag) != "item":
                        continue
                    parts = {_local(c.tag): c for c in item}
                    if "name" not in parts:
                        continue
                    if "itextId" in parts:
                        labels = itext.get((parts["itextId"].text or "").strip(), [])
                    else:
                        labels = labels_of(parts.get("label"))
                    choices[(parts["name"].text or "").strip()] = labels
        out[path] = choices
    return out


def pages(http: Client, source: Source, since: str | None, page_size: int = PAGE_SIZE):
    """Yield each page's submissions, following ``@odata.nextLink``; ``since``: only those
    received or edited at or after it."""
    params = {"$top": page_size, "$count": "true"}
    if since:
        params["$filter"] = (f"__system/submissionDate ge {since} "
                             f"or __system/updatedAt ge {since}")
    url: str | None = f"{form_url(source)}.svc/Submissions"
    while url:
        page = http.json(url, params)
        results, url = page.get("value"), page.get("@odata.nextLink")
        if not isinstance(results, list) or not (url is None or isinstance(url, str)):
            raise SyncError("malformed", detail="page")
        params = None
        yield results


def _flatten(value: dict, prefix: str, row: dict) -> None:
    for key, item in value.items():
        if key.startswith("@") or key in ("__id", "__system", "meta"):
            continue
        path = f"{prefix}{key}"
        if isinstance(item, dict):
            coords = item.get("coordinates")
            if item.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
                row[f"{path}_latitude"], row[f"{path}_longitude"] = coords[1], coords[0]
            else:
                _flatten(item, f"{path}/", row)
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            row[path] = item


def submission(raw: dict) -> tuple[str, str | None, dict]:
    """``(id, stamp, flat row)`` of one submission: the id is ``__id`` (the instanceID), the
    stamp the later of ``__system/submissionDate`` and ``__system/updatedAt``."""
    if not isinstance(raw, dict) or not isinstance(raw.get("__id"), str) or not raw["__id"]:
        raise SyncError("malformed", detail="submission")
    system = raw.get("__system") if isinstance(raw.get("__system"), dict) else {}
    stamps = [s for s in (system.get("submissionDate"), system.get("updatedAt"))
              if isinstance(s, str)]
    row: dict = {}
    _flatten(raw, "", row)
    return raw["__id"], max(stamps) if stamps else None, row
