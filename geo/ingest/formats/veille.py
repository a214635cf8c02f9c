"""Veille's own headers, their French names and KoboToolbox's forms (group prefixes are
dropped by :func:`geo.ingest.headers.normalise_header`; ``_<field>_latitude`` and
``_geolocation`` are handled there). Veille's own exports re-import: their code columns
(``region_id``, ``cercle_id``, ``commune_id``) place the row, the French names beside them are
then ignored."""

from __future__ import annotations

from geo.ingest.formats import Format

COMMON = {
    "region": "region", "nom_region": "region", "admin1": "region", "adm_1": "region",
    "adm1": "region", "region_name": "region",
    "cercle": "cercle", "nom_cercle": "cercle", "admin2": "cercle", "adm_2": "cercle",
    "adm2": "cercle", "district": "cercle", "prefecture": "cercle",
    "commune": "commune", "nom_commune": "commune", "admin3": "commune", "adm3": "commune",
    "latitude": "latitude", "lat": "latitude", "y": "latitude",
    "longitude": "longitude", "lon": "longitude", "long": "longitude", "lng": "longitude",
    "x": "longitude", "_geolocation": "_geolocation",
}
ALIASES: dict[str, dict[str, str]] = {
    "workshops": {
        "workshop_id": "workshop_id", "id_atelier": "workshop_id", "code_atelier": "workshop_id",
        "atelier_id": "workshop_id", "identifiant": "workshop_id", "id": "workshop_id",
        "start_date": "start_date", "date_debut": "start_date", "date_de_debut": "start_date",
        "debut": "start_date", "date": "start_date",
        "end_date": "end_date", "date_fin": "end_date", "date_de_fin": "end_date", "fin": "end_date",
        "organiser": "organiser", "organizer": "organiser", "organisateur": "organiser",
        "structure_organisatrice": "organiser", "partenaire": "organiser",
        "participants": "participants", "nombre_participants": "participants",
        "nb_participants": "participants", "nombre_de_participants": "participants",
        "women": "women", "femmes": "women", "nombre_femmes": "women", "nb_femmes": "women",
        "youth": "youth", "jeunes": "youth", "nombre_jeunes": "youth", "nb_jeunes": "youth",
        "political_parties": "political_parties", "partis_politiques": "political_parties",
        "local_authorities": "local_authorities", "autorites_locales": "local_authorities",
        "signatory_movements": "signatory_movements",
        "mouvements_signataires": "signatory_movements",
        "civil_society": "civil_society", "societe_civile": "civil_society",
        "osc": "civil_society",
        "traditional_associations": "traditional_associations",
        "associations_traditionnelles": "traditional_associations",
        "government": "government", "gouvernement": "government", "administration": "government",
        "media": "media", "medias": "media",
        "notes": "notes", "remarques": "notes", "observations": "notes", "commentaires": "notes",
    },
    "mediators": {
        "mediator_code": "mediator_code", "code_mediateur": "mediator_code",
        "code_du_mediateur": "mediator_code", "code": "mediator_code",
        "identifiant": "mediator_code", "id": "mediator_code",
        "gender": "gender", "sex": "gender", "sexe": "gender", "genre": "gender",
        "age_band": "age_band", "tranche_age": "age_band", "tranche_d_age": "age_band",
        "classe_d_age": "age_band",
        "trained_on": "trained_on", "date_formation": "trained_on",
        "date_de_formation": "trained_on", "forme_le": "trained_on",
        "workshop_id": "workshop_id", "id_atelier": "workshop_id", "atelier": "workshop_id",
        "status": "status", "statut": "status",
        "languages": "languages", "langues": "languages", "langues_parlees": "languages",
    },
    "tensions": {
        "report_id": "report_id", "id_signalement": "report_id", "identifiant": "report_id",
        "id": "report_id", "event_id_cnty": "report_id",
        "occurred_on": "occurred_on", "date_incident": "occurred_on",
        "date_de_l_incident": "occurred_on", "date_evenement": "occurred_on",
        "survenu_le": "occurred_on", "date": "occurred_on", "event_date": "occurred_on",
        "date_start": "occurred_on",
        "reported_on": "reported_on", "date_signalement": "reported_on",
        "date_du_signalement": "reported_on", "signale_le": "reported_on",
        "location_precision": "location_precision", "precision_localisation": "location_precision",
        "precision_de_la_localisation": "location_precision", "precision": "location_precision",
        "category": "category", "categorie": "category", "type_incident": "category",
        "type_d_incident": "category",
        "severity": "severity", "gravite": "severity", "niveau_de_gravite": "severity",
        "fatalities": "fatalities", "morts": "fatalities", "deces": "fatalities",
        "nombre_de_morts": "fatalities", "tues": "fatalities",
        "injuries": "injuries", "blesses": "injuries", "nombre_de_blesses": "injuries",
        "source_type": "source_type", "type_source": "source_type",
        "type_de_source": "source_type",
        "verification": "verification", "verifie": "verification",
        "status": "status", "statut": "status", "suivi": "status",
        "summary": "summary", "resume": "summary", "description": "summary", "notes": "summary",
    },
}

# Veille's own exports: the codes place the row (the gazetteer knows codes); the French names
# that follow them are then already mapped and ignored; is_demo is not imported.
COMMON.update({"region_id": "region", "cercle_id": "cercle", "commune_id": "commune",
               "region_fr": "region", "cercle_fr": "cercle", "commune_fr": "commune"})

FORMAT = Format(key="veille", label_key="format.veille", kinds=("workshops", "mediators", "tensions"),
                markers=frozenset(), min_markers=0, aliases={},
                silent=frozenset({"is_demo"}))


def aliases(kind: str) -> dict[str, str]:
    """Normalised header → canonical field, for a kind."""
    return {**COMMON, **ALIASES[kind]}
