"""Translations (French first, English complete) and locale-aware number formatting.

Every user-facing string goes through :func:`t`. A key missing or empty in either language is
a bug that ``tests/test_i18n.py`` catches.
"""

from __future__ import annotations

import math

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}

TRANSLATIONS: dict[str, dict[str, str]] = {
    "fr": {
        "sidebar.language": "Langue / Language",
        "sidebar.boundaries": "Limites : {version}, structure antérieure à 2016 (8 régions + Bamako, 49 cercles + Bamako). Population : RGPH 2009.",
        "nav.overview": "Vue d'ensemble",
        "demo.banner": "Données de démonstration : les ateliers, médiateurs et signalements affichés sont fictifs (générés pour la démonstration). Ne pas utiliser pour un briefing.",
        "demo.remove": "Retirer la démo",
        "nav.provenance": "Sources et méthode",
        "nav.data": "Données de terrain",
        "data.title": "Données de terrain : import et export",
        "data.intro": "Ateliers, médiateurs et signalements de tensions. Chaque ligne importée est enregistrée ou rejetée avec ses raisons ; un import refusé ou interrompu ne modifie rien.",
        "data.store": "Base : {engine} — {workshops} ateliers, {mediators} médiateurs, {tensions} signalements.",
        "data.import": "Importer un fichier",
        "data.kind": "Type d'enregistrements",
        "data.file": "Fichier CSV, XLSX ou GeoJSON (points)",
        "data.file_help": "CSV en UTF-8 ou Windows-1252, séparateur virgule ou point-virgule ; en-têtes Veille, français, KoboToolbox, ACLED ou UCDP. Aucune colonne de nom, téléphone ou e-mail.",
        "data.preview": "Aperçu (rien n'est encore enregistré)",
        "data.rows": "Lignes",
        "data.accepted": "Acceptées",
        "data.rejected": "Rejetées",
        "data.duplicates": "Doublons",
        "data.warnings": "Avertissements",
        "data.rejections": "Lignes rejetées et raisons",
        "data.row_warnings": "Avertissements (lignes acceptées, corrigées)",
        "data.ignored": "Colonnes ignorées (non enregistrées) : {columns}",
        "data.format": "Format reconnu : {format}",
        "data.confirm": "Confirmer l'import",
        "data.done": "Import terminé (lot n° {batch}) : {accepted} lignes ajoutées, {rejected} rejetées, {duplicates} doublons.",
        "data.batches": "Historique des imports",
        "data.batch_pick": "Lot",
        "data.download_rejected": "Télécharger les lignes rejetées (CSV)",
        "data.no_batches": "Aucun import pour l'instant.",
        "data.export": "Exporter",
        "data.export_format": "Format",
        "data.hxl": "Ajouter la ligne de hashtags HXL",
        "data.download": "Télécharger",
        "data.export_note": "Les coordonnées des médiateurs ne sont jamais exportées ; les signalements sont placés au niveau de leur précision.",
        "data.demo": "Données de démonstration",
        "data.demo_loaded": "Des données de démonstration sont chargées (bandeau en haut de page).",
        "data.demo_none": "Aucune donnée de démonstration n'est chargée.",
        "data.demo_load": "Charger la démonstration",
        "data.col.batch_id": "Lot",
        "data.col.row": "Ligne",
        "data.col.reasons": "Raisons",
        "data.col.kind": "Type",
        "data.col.file_name": "Fichier",
        "data.col.imported_at": "Date (UTC)",
        "data.col.is_demo": "Démo",
        "kind.workshops": "Ateliers",
        "kind.mediators": "Médiateurs",
        "kind.tensions": "Signalements de tensions",
        "overview.title": "Vue d'ensemble des cercles",
        "overview.intro": "Carte nationale des 50 cercles (49 cercles et le District de Bamako). "
                          "Cliquez sur un cercle ou choisissez-le dans la liste pour voir sa fiche ; "
                          "l'adresse de la page permet de partager la sélection.",
        "overview.layer": "Couche affichée",
        "overview.cercle": "Cercle sélectionné",
        "overview.none": "— aucun —",
        "overview.tiles": "Fond de carte en ligne",
        "overview.tiles_help": "Tuiles OpenStreetMap ; nécessite une connexion Internet. Sans elle, les cercles restent "
                               "affichés sur un fond uni.",
        "overview.details": "Fiche du cercle",
        "overview.tension_dates": "Période des signalements (date de l'incident)",
        "overview.tension_count": "{n} signalements affichés (hors signalements faux), placés au niveau de leur précision.",
        "overview.pick_hint": "Sélectionnez un cercle sur la carte ou dans la liste.",
        "overview.unknown_cercle": "Le cercle « {code} » indiqué dans l'adresse n'existe pas.",
        "overview.communes": "Communes ({n})",
        "overview.meta": "Région : {region} · code {code}",
        "overview.field_counts": "**Terrain** — sessions d'atelier : {sessions}, participants : {participants} · médiateurs actifs : {mediators} ({per10k} pour 10 000 hab.) · signalements : {reports}",
        "overview.estimate_note": "Population estimée : aucun chiffre provisoire du RGPH 2009 "
                                  "n'a été trouvé pour ce cercle ; le total régional est exact "
                                  "et a été réparti au prorata.",
        "overview.table": "Tableau des cercles",
        "field.cercle": "Cercle",
        "field.region": "Région",
        "field.code": "Code",
        "field.population": "Population (2009)",
        "field.density": "Densité",
        "field.area": "Superficie",
        "field.communes": "Communes",
        "field.severity": "gravité",
        "layer.density": "Densité de population",
        "layer.density.unit": "hab./km²",
        "layer.population": "Population",
        "layer.population.unit": "habitants (RGPH 2009)",
        "layer.area": "Superficie",
        "layer.area.unit": "km²",
        "layer.workshop_sessions": "Ateliers (sessions)",
        "layer.workshop_sessions.unit": "sessions tenues dans le cercle",
        "layer.workshop_participants_per_10k": "Participants aux ateliers",
        "layer.workshop_participants_per_10k.unit": "pour 10 000 habitants",
        "layer.mediators": "Médiateurs communautaires",
        "layer.mediators.unit": "médiateurs actifs (effectifs)",
        "layer.mediators_per_10k": "Densité de médiateurs",
        "layer.mediators_per_10k.unit": "médiateurs actifs pour 10 000 habitants",
        "layer.tensions": "Signalements de tensions",
        "map.tensions_title": "Signalements (taille = gravité)",
        "map.no_data": "Pas de données",
        "map.legend_source": "Source : {source}",
        "unit.km2": "km²",
        "unit.per_km2": "hab./km²",
        "provenance.title": "Sources, licences et méthode",
        "provenance.intro": "Ce qu'affiche Veille, d'où cela vient et ce qu'il ne faut pas en "
                            "conclure. À citer dans tout briefing.",
        "provenance.datasets": "Jeux de données de référence",
        "provenance.col.dataset": "Jeu de données",
        "provenance.col.source": "Source",
        "provenance.col.licence": "Licence",
        "provenance.col.version": "Version",
        "provenance.col.file": "Fichier",
        "provenance.col.sha256": "SHA-256",
        "provenance.col.features": "Entités",
        "provenance.boundaries": "Version des limites administratives",
        "provenance.boundaries_text": "Structure antérieure à 2016 : 8 régions et le District de "
                                      "Bamako, 49 cercles et le District, 701 communes. Ménaka est "
                                      "un cercle de Gao ; Taoudénit n'est pas séparé de Tombouctou. "
                                      "Les redécoupages de 2016 et 2023 ne sont pas représentés.",
        "provenance.census": "Population",
        "provenance.census_text": "Recensement général de la population et de l'habitat (RGPH) "
                                  "du 1er avril 2009, résultats provisoires (INSTAT). Total "
                                  "national : {total} habitants. Les chiffres de {estimated} sont "
                                  "des estimations (reste régional réparti au prorata). Les "
                                  "populations ont changé depuis 2009 : les densités sont des "
                                  "ordres de grandeur.",
        "provenance.demo": "Données de démonstration",
        "provenance.demo_text": "Les limites et la population sont des données réelles. Les ateliers, médiateurs et signalements de démonstration sont inventés : générés de façon déterministe à partir des chiffres publics de la mission (ateliers depuis 2017 dans neuf régions, 540 participants, 1 424 médiateurs, signalements concentrés autour de la présidentielle de 2018). Un bandeau les signale sur chaque page tant qu'ils sont chargés ; ils ne doivent jamais servir à un briefing.",
        "provenance.method": "Méthode d'affichage",
        "provenance.method_text": "Les superficies sont calculées en projection à surface égale "
                                  "(EPSG:6933). Pour l'affichage, les limites sont simplifiées "
                                  "(tolérance d'environ 1 km) sans créer de trou ni de "
                                  "chevauchement entre cercles ; les calculs utilisent la "
                                  "géométrie complète. Les codes nationaux ML01… n'ont pas été "
                                  "vérifiés contre les P-codes OCHA.",
        "provenance.offline": "Fonctionnement hors ligne",
        "provenance.offline_text": "La carte et ses bibliothèques (Leaflet) sont servies par "
                                   "l'application elle-même : aucune connexion Internet n'est "
                                   "nécessaire, sauf pour le fond de carte en ligne facultatif.",
        "dataset.cercles": "Cercles (ADM2)",
        "dataset.regions": "Régions (ADM1)",
        "dataset.communes": "Communes (ADM3)",
        "dataset.population": "Population par cercle",
        "gazetteer.unknown": "« {query} » : nom de {level} inconnu.",
        "gazetteer.unknown_suggest": "« {query} » : nom de {level} inconnu. Vouliez-vous dire : {suggestions} ?",
        "gazetteer.ambiguous": "« {query} » est ambigu : {candidates}. Précisez le cercle ou la région.",
        "gazetteer.empty": "Nom de lieu vide.",
        "level.region": "région",
        "level.cercle": "cercle",
        "level.commune": "commune",
        "ingest.summary": "{rows} lignes : {accepted} acceptées, {rejected} rejetées, {duplicates} doublons, {warnings} avertissements.",
        "ingest.refused.encoding": "Fichier refusé : encodage illisible.",
        "ingest.refused.empty": "Fichier refusé : il est vide.",
        "ingest.refused.unreadable": "Fichier illisible : {detail}",
        "ingest.refused.not_geojson": "Fichier refusé : ce n'est pas une FeatureCollection GeoJSON.",
        "ingest.refused.personal_data": "Fichier refusé en entier, rien n'a été enregistré : colonnes de données personnelles ({columns}). Retirez noms, téléphones et e-mails ; utilisez un code pseudonyme.",
        "ingest.refused.no_columns": "Fichier refusé : aucune colonne reconnue pour le type « {kind} ».",
        "ingest.reason.not_a_point": "géométrie {geometry} : seuls les points sont acceptés",
        "ingest.reason.date_missing": "date manquante ({field})",
        "ingest.reason.date_unparseable": "date illisible ({field} = « {value} » ; formats : AAAA-MM-JJ ou JJ/MM/AAAA)",
        "ingest.reason.date_future": "date dans le futur ({field} = {value})",
        "ingest.reason.date_too_early": "date antérieure à 2012 ({field} = {value})",
        "ingest.reason.count_missing": "valeur manquante ({field})",
        "ingest.reason.not_whole_number": "nombre entier attendu ({field} = « {value} »)",
        "ingest.reason.negative": "nombre négatif ({field} = {value})",
        "ingest.reason.code_missing": "valeur manquante ({field})",
        "ingest.reason.code_unknown": "valeur non autorisée ({field} = « {value} » ; valeurs : {allowed})",
        "ingest.reason.severity_range": "gravité hors de l'échelle 1 à 5 ({value})",
        "ingest.reason.above_participants": "{field} ({value}) dépasse le nombre de participants ({participants})",
        "ingest.reason.place_unknown": "lieu inconnu ({level} « {value} »)",
        "ingest.reason.place_unknown_suggest": "lieu inconnu ({level} « {value} » ; vouliez-vous dire : {suggestions} ?)",
        "ingest.reason.place_ambiguous": "lieu ambigu ({level} « {value} » : {candidates})",
        "ingest.reason.commune_not_found": "commune « {value} » introuvable dans le cercle : cercle retenu",
        "ingest.reason.region_corrected": "région corrigée d'après le cercle ({cercle})",
        "ingest.reason.coordinates_invalid": "coordonnées incomplètes ou illisibles",
        "ingest.reason.coordinates_swapped": "latitude et longitude inversées : corrigées",
        "ingest.reason.outside_mali": "coordonnées hors du Mali ({lat}, {lon})",
        "ingest.reason.coordinates_win": "les coordonnées placent le lieu dans le cercle {found}, pas {named} : coordonnées retenues",
        "ingest.reason.name_ignored": "nom de lieu « {value} » non reconnu : coordonnées retenues",
        "ingest.reason.location_missing": "lieu manquant (région, cercle, commune ou coordonnées)",
        "ingest.reason.cercle_needed": "cercle requis (la région seule ne suffit pas)",
        "ingest.reason.precision_lowered": "précision « {given} » impossible : « {used} » retenue",
        "ingest.reason.end_before_start": "date de fin antérieure à la date de début",
        "ingest.reason.reported_before_occurred": "signalé avant la date de l'incident",
        "ingest.reason.id_conflict": "identifiant {id} déjà enregistré avec un contenu différent",
    },
    "en": {
        "sidebar.language": "Langue / Language",
        "sidebar.boundaries": "Boundaries: {version}, pre-2016 structure (8 regions + Bamako, 49 cercles + Bamako). Population: 2009 census.",
        "nav.overview": "Overview",
        "demo.banner": "Demonstration data: the workshops, mediators and reports shown are invented (generated for the demonstration). Do not use in a briefing.",
        "demo.remove": "Remove demo",
        "nav.provenance": "Sources and method",
        "nav.data": "Field data",
        "data.title": "Field data: import and export",
        "data.intro": "Workshops, mediators and tension reports. Every imported row is stored or rejected with its reasons; a refused or interrupted import changes nothing.",
        "data.store": "Store: {engine} — {workshops} workshops, {mediators} mediators, {tensions} reports.",
        "data.import": "Import a file",
        "data.kind": "Record type",
        "data.file": "CSV, XLSX or GeoJSON (points) file",
        "data.file_help": "CSV in UTF-8 or Windows-1252, comma or semicolon separated; Veille, French, KoboToolbox, ACLED or UCDP headers. No name, phone or e-mail column.",
        "data.preview": "Preview (nothing stored yet)",
        "data.rows": "Rows",
        "data.accepted": "Accepted",
        "data.rejected": "Rejected",
        "data.duplicates": "Duplicates",
        "data.warnings": "Warnings",
        "data.rejections": "Rejected rows and reasons",
        "data.row_warnings": "Warnings (accepted rows, corrected)",
        "data.ignored": "Ignored columns (not stored): {columns}",
        "data.format": "Recognised format: {format}",
        "data.confirm": "Confirm the import",
        "data.done": "Import done (batch {batch}): {accepted} rows added, {rejected} rejected, {duplicates} duplicates.",
        "data.batches": "Import history",
        "data.batch_pick": "Batch",
        "data.download_rejected": "Download the rejected rows (CSV)",
        "data.no_batches": "No import yet.",
        "data.export": "Export",
        "data.export_format": "Format",
        "data.hxl": "Add the HXL hashtag row",
        "data.download": "Download",
        "data.export_note": "Mediators' coordinates are never exported; reports are placed at their location precision.",
        "data.demo": "Demonstration data",
        "data.demo_loaded": "Demonstration data is loaded (banner at the top of the page).",
        "data.demo_none": "No demonstration data is loaded.",
        "data.demo_load": "Load the demonstration",
        "data.col.batch_id": "Batch",
        "data.col.row": "Row",
        "data.col.reasons": "Reasons",
        "data.col.kind": "Type",
        "data.col.file_name": "File",
        "data.col.imported_at": "Date (UTC)",
        "data.col.is_demo": "Demo",
        "kind.workshops": "Workshops",
        "kind.mediators": "Mediators",
        "kind.tensions": "Tension reports",
        "overview.title": "Overview of the cercles",
        "overview.intro": "National map of the 50 cercles (49 cercles and the District of Bamako). "
                          "Click a cercle or pick it from the list to see its details; the page "
                          "address can be shared to show the same selection.",
        "overview.layer": "Map layer",
        "overview.cercle": "Selected cercle",
        "overview.none": "— none —",
        "overview.tiles": "Online basemap",
        "overview.tiles_help": "OpenStreetMap tiles; needs an Internet connection. Without it the cercles are still "
                               "drawn on a plain background.",
        "overview.details": "Cercle details",
        "overview.tension_dates": "Period of the reports (date of the incident)",
        "overview.tension_count": "{n} reports shown (false reports excluded), placed at their location precision.",
        "overview.pick_hint": "Select a cercle on the map or from the list.",
        "overview.unknown_cercle": "The cercle \"{code}\" given in the address does not exist.",
        "overview.communes": "Communes ({n})",
        "overview.meta": "Region: {region} · code {code}",
        "overview.field_counts": "**Field** — workshop sessions: {sessions}, participants: {participants} · active mediators: {mediators} ({per10k} per 10,000 people) · reports: {reports}",
        "overview.estimate_note": "Estimated population: no provisional RGPH 2009 figure was "
                                  "found for this cercle; the regional total is exact and was "
                                  "split pro rata.",
        "overview.table": "Table of cercles",
        "field.cercle": "Cercle",
        "field.region": "Region",
        "field.code": "Code",
        "field.population": "Population (2009)",
        "field.density": "Density",
        "field.area": "Area",
        "field.communes": "Communes",
        "field.severity": "severity",
        "layer.density": "Population density",
        "layer.density.unit": "people/km²",
        "layer.population": "Population",
        "layer.population.unit": "people (2009 census)",
        "layer.area": "Area",
        "layer.area.unit": "km²",
        "layer.workshop_sessions": "Workshops (sessions)",
        "layer.workshop_sessions.unit": "sessions held in the cercle",
        "layer.workshop_participants_per_10k": "Workshop participants",
        "layer.workshop_participants_per_10k.unit": "per 10,000 people",
        "layer.mediators": "Community mediators",
        "layer.mediators.unit": "active mediators (headcount)",
        "layer.mediators_per_10k": "Mediator density",
        "layer.mediators_per_10k.unit": "active mediators per 10,000 people",
        "layer.tensions": "Tension reports",
        "map.tensions_title": "Reports (size = severity)",
        "map.no_data": "No data",
        "map.legend_source": "Source: {source}",
        "unit.km2": "km²",
        "unit.per_km2": "people/km²",
        "provenance.title": "Sources, licences and method",
        "provenance.intro": "What Veille shows, where it comes from and what not to conclude "
                            "from it. Quote this in any briefing.",
        "provenance.datasets": "Reference datasets",
        "provenance.col.dataset": "Dataset",
        "provenance.col.source": "Source",
        "provenance.col.licence": "Licence",
        "provenance.col.version": "Version",
        "provenance.col.file": "File",
        "provenance.col.sha256": "SHA-256",
        "provenance.col.features": "Features",
        "provenance.boundaries": "Administrative boundary version",
        "provenance.boundaries_text": "Pre-2016 structure: 8 regions and the District of Bamako, "
                                      "49 cercles and the District, 701 communes. Ménaka is a "
                                      "cercle of Gao; Taoudénit is not separated from Tombouctou. "
                                      "The 2016 and 2023 re-divisions are not represented.",
        "provenance.census": "Population",
        "provenance.census_text": "General Census of Population and Housing (RGPH) of 1 April "
                                  "2009, provisional results (INSTAT). National total: {total} "
                                  "people. The figures for {estimated} are estimates (regional "
                                  "remainder split pro rata). Populations have changed since "
                                  "2009: densities are orders of magnitude.",
        "provenance.demo": "Demonstration data",
        "provenance.demo_text": "Boundaries and population are real data. The demonstration workshops, mediators and reports are invented: generated deterministically from the mission's public figures (workshops since 2017 in nine regions, 540 participants, 1,424 mediators, reports concentrated around the 2018 presidential election). A banner flags them on every page while they are loaded; they must never be used in a briefing.",
        "provenance.method": "Display method",
        "provenance.method_text": "Areas are computed in an equal-area projection (EPSG:6933). "
                                  "For display, boundaries are simplified (about 1 km tolerance) "
                                  "without opening gaps or overlaps between cercles; computations "
                                  "use the full geometry. The national codes ML01… have not been "
                                  "checked against OCHA P-codes.",
        "provenance.offline": "Working offline",
        "provenance.offline_text": "The map and its libraries (Leaflet) are served by the app "
                                   "itself: no Internet connection is needed, except for the "
                                   "optional online basemap.",
        "dataset.cercles": "Cercles (ADM2)",
        "dataset.regions": "Regions (ADM1)",
        "dataset.communes": "Communes (ADM3)",
        "dataset.population": "Population per cercle",
        "gazetteer.unknown": "\"{query}\": unknown {level}.",
        "gazetteer.unknown_suggest": "\"{query}\": unknown {level}. Did you mean: {suggestions}?",
        "gazetteer.ambiguous": "\"{query}\" is ambiguous: {candidates}. Give the cercle or region.",
        "gazetteer.empty": "Empty place name.",
        "level.region": "region",
        "level.cercle": "cercle",
        "level.commune": "commune",
        "ingest.summary": "{rows} rows: {accepted} accepted, {rejected} rejected, {duplicates} duplicates, {warnings} warnings.",
        "ingest.refused.encoding": "File refused: unreadable encoding.",
        "ingest.refused.empty": "File refused: it is empty.",
        "ingest.refused.unreadable": "File cannot be read: {detail}",
        "ingest.refused.not_geojson": "File refused: not a GeoJSON FeatureCollection.",
        "ingest.refused.personal_data": "File refused whole, nothing was stored: personal-data columns ({columns}). Remove names, phone numbers and e-mails; use a pseudonymous code.",
        "ingest.refused.no_columns": "File refused: no column recognised for \"{kind}\".",
        "ingest.reason.not_a_point": "{geometry} geometry: only points are accepted",
        "ingest.reason.date_missing": "missing date ({field})",
        "ingest.reason.date_unparseable": "unreadable date ({field} = \"{value}\"; formats: YYYY-MM-DD or DD/MM/YYYY)",
        "ingest.reason.date_future": "date in the future ({field} = {value})",
        "ingest.reason.date_too_early": "date before 2012 ({field} = {value})",
        "ingest.reason.count_missing": "missing value ({field})",
        "ingest.reason.not_whole_number": "whole number expected ({field} = \"{value}\")",
        "ingest.reason.negative": "negative number ({field} = {value})",
        "ingest.reason.code_missing": "missing value ({field})",
        "ingest.reason.code_unknown": "value not allowed ({field} = \"{value}\"; allowed: {allowed})",
        "ingest.reason.severity_range": "severity outside the 1 to 5 scale ({value})",
        "ingest.reason.above_participants": "{field} ({value}) exceeds the number of participants ({participants})",
        "ingest.reason.place_unknown": "unknown place ({level} \"{value}\")",
        "ingest.reason.place_unknown_suggest": "unknown place ({level} \"{value}\"; did you mean: {suggestions}?)",
        "ingest.reason.place_ambiguous": "ambiguous place ({level} \"{value}\": {candidates})",
        "ingest.reason.commune_not_found": "commune \"{value}\" not found in the cercle: cercle kept",
        "ingest.reason.region_corrected": "region corrected from the cercle ({cercle})",
        "ingest.reason.coordinates_invalid": "incomplete or unreadable coordinates",
        "ingest.reason.coordinates_swapped": "latitude and longitude swapped: corrected",
        "ingest.reason.outside_mali": "coordinates outside Mali ({lat}, {lon})",
        "ingest.reason.coordinates_win": "the coordinates place it in cercle {found}, not {named}: coordinates kept",
        "ingest.reason.name_ignored": "place name \"{value}\" not recognised: coordinates kept",
        "ingest.reason.location_missing": "missing location (region, cercle, commune or coordinates)",
        "ingest.reason.cercle_needed": "cercle required (a region alone is not enough)",
        "ingest.reason.precision_lowered": "precision \"{given}\" not possible: \"{used}\" used",
        "ingest.reason.end_before_start": "end date before start date",
        "ingest.reason.reported_before_occurred": "reported before the incident date",
        "ingest.reason.id_conflict": "identifier {id} already stored with different content",
    },
}


def normalise_language(lang: str | None) -> str:
    """Return a supported language code, falling back to French."""
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``values``.

    Raises
    ------
    KeyError
        If the key is unknown: a missing translation is a bug, not something to hide.
    """
    text = TRANSLATIONS[normalise_language(lang)][key]
    return text.format(**values) if values else text


_THIN_SPACE = "\u202f"  # French thousands separator (narrow no-break space)


def format_number(value: float | int | None, lang: str = DEFAULT_LANGUAGE,
                  decimals: int = 0) -> str:
    """Format a number for display: ``1 234,5`` in French, ``1,234.5`` in English.

    ``None`` and NaN give an empty string (callers show "no data" explicitly).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{decimals}f}"
    if normalise_language(lang) == "fr":
        text = text.replace(",", _THIN_SPACE).replace(".", ",")
    return text


def format_significant(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 2) -> str:
    """Format with about ``digits`` significant digits (for legends and densities)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value == 0:
        return format_number(0, lang)
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    return format_number(value, lang, decimals)
