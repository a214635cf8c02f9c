"""KoboToolbox, API v2: a form's submissions from the data endpoint, its choice labels from
the asset.

* ``GET {server}/api/v2/assets/{uid}/?format=json`` — the asset: its ``content`` lists the
  questions (``survey``: ``name``, ``$xpath``, ``type``, ``select_from_list_name``) and the
  choices (``choices``: ``list_name``, ``name``, ``label`` — one per form language). The data
  endpoint gives choice *names*; the labels let the importer recognise a category whose name
  is not one of Veille's codes (``discours_haine`` → "Discours de haine").
* ``GET {server}/api/v2/assets/{uid}/data/?format=json&limit=N&query=…`` — a page of
  submissions ``{count, next, previous, results}``; ``next`` is followed until null (at most
  30,000 per page, the documented maximum). ``query`` is the documented Mongo-style filter:
  ``{"_submission_time": {"$gte": "<cursor>"}}`` brings the submissions received since the
  last sync (``$gte``: one received in the cursor's second is read again, a duplicate).
* ``Authorization: Token <token>``.

An edited submission keeps its ``_uuid`` and its ``_submission_time``: the time filter does
not see edits, so a *full* sync (every submission read again, only what changed written) is
what brings them — run one daily (``--full``), the incremental ones in between.

Each submission becomes one flat row: group prefixes kept (the importer drops them),
``_geolocation`` ``[lat, lon]`` as ``"lat lon"``, the key ``_uuid``; attachments, notes,
tags, the validation status, repeat groups, ``meta/…`` and the device metadata questions
(:data:`geo.intake.sync.DEVICE_META`) are left out, never read further nor stored.
"""

from __future__ import annotations

import json

from geo.intake.remote import Client, Source, SyncError

PLATFORM = "kobo"
#: Submissions per page (the documented maximum is 30,000).
PAGE_SIZE = 1000


def client(source: Source, token: str, transport=None) -> Client:
    return Client(source.server, f"Token {token}", transport)


def asset_url(source: Source) -> str:
    return f"{source.server}/api/v2/assets/{source.form}/"


def choice_labels(http: Client, source: Source) -> dict[str, dict[str, list[str]]]:
    """``{question path: {choice name: [labels]}}`` of the form's select questions, from the
    asset (a 404 here is an unknown asset: :class:`SyncError` ``form_unknown``)."""
    asset = http.json(asset_url(source), {"format": "json"})
    content = asset.get("content")
    if not isinstance(content, dict):
        raise SyncError("malformed", detail="asset")
    lists: dict[str, dict[str, list[str]]] = {}
    for choice in content.get("choices") or ():
        if not isinstance(choice, dict) or "name" not in choice:
            continue
        labels = choice.get("label") or []
        labels = [labels] if isinstance(labels, str) else [x for x in labels if isinstance(x, str)]
        lists.setdefault(str(choice.get("list_name")), {})[str(choice["name"])] = labels
    out = {}
    for question in content.get("survey") or ():
        if not isinstance(question, dict):
            continue
        kind = str(question.get("type") or "")
        list_name = question.get("select_from_list_name") or (
            kind.split()[1] if kind.startswith("select_one ") and len(kind.split()) > 1
            else None)
        path = question.get("$xpath") or question.get("name")
        if list_name and path and kind.startswith("select_one"):
            out[str(path)] = lists.get(str(list_name), {})
    return out


def pages(http: Client, source: Source, since: str | None, page_size: int = PAGE_SIZE):
    """Yield each page's submissions (a list of dicts), following ``next``; ``since``: only
    submissions received at or after it (``_submission_time``)."""
    params = {"format": "json", "limit": page_size}
    if since:
        params["query"] = json.dumps({"_submission_time": {"$gte": since}})
    url: str | None = f"{asset_url(source)}data/"
    while url:
        page = http.json(url, params)
        results, url = page.get("results"), page.get("next")
        if not isinstance(results, list) or not (url is None or isinstance(url, str)):
            raise SyncError("malformed", detail="page")
        params = None                      # ``next`` carries every parameter
        yield results


def submission(raw: dict) -> tuple[str, str | None, dict]:
    """``(id, stamp, flat row)`` of one submission: the id is ``_uuid``, the stamp its
    ``_submission_time`` (the sync's cursor)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("_uuid"), str) or not raw["_uuid"]:
        raise SyncError("malformed", detail="submission")
    row = {}
    for key, value in raw.items():
        if key == "_geolocation":
            if isinstance(value, list) and len(value) >= 2 and all(
                    isinstance(v, (int, float)) for v in value[:2]):
                row["_geolocation"] = f"{value[0]} {value[1]}"
        elif not key.startswith("_") and not key.startswith("meta/") \
                and not key.startswith("formhub/") and isinstance(value, (str, int, float)) \
                and not isinstance(value, bool):
            row[key] = value
    stamp = raw.get("_submission_time")
    return raw["_uuid"], stamp if isinstance(stamp, str) else None, row
