"""Intake: reports that reach Veille by themselves.

* :mod:`~geo.intake.kobo` and :mod:`~geo.intake.odk` — clients of KoboToolbox's API v2
  data endpoint and ODK Central's OData submissions, over :mod:`~geo.intake.remote` (HTTP
  with limits, the coded errors);
* :mod:`~geo.intake.sync` — a form's new and edited submissions through the importer, keyed
  on the platform's submission id, in one transaction with the source's sync state;
* :mod:`~geo.intake.sms` — the structured SMS message, RapidPro/TextIt flow results and a
  generic gateway's form, the sender's pseudonym, the reply texts;
* :mod:`~geo.intake.webhook` — the webhook's checks (secret or signature, size, replay,
  rate limits) and the report it stores; the HTTP route is ``ui/hooks.py``.

Command line: ``python -m geo sync kobo|odk|all …`` and ``python -m geo
notify [--digest]`` (:mod:`geo.cli`).
"""
