"""Translations of the Overview: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'overview.cercle': (
        'Cercle sélectionné',
        'Selected cercle'),
    'overview.communes': (
        'Communes ({n})',
        'Communes ({n})'),
    'overview.details': (
        'Fiche du cercle',
        'Cercle details'),
    'overview.estimate_note': (
        "Population estimée : aucun chiffre provisoire du RGPH 2009 n'a été trouvé pour ce cercle ; le total régional est exact et a été réparti au prorata.",
        'Estimated population: no provisional RGPH 2009 figure was found for this cercle; the regional total is exact and was split pro rata.'),
    'overview.field_counts': (
        "**Terrain au {as_of}** — sessions d'atelier : {sessions}, participants : {participants} · médiateurs actifs : {mediators} ({per10k} pour 10 000 hab.) · {reports} sur les {window} derniers jours",
        '**Field as of {as_of}** — workshop sessions: {sessions}, participants: {participants} · active mediators: {mediators} ({per10k} per 10,000 people) · {reports} in the last {window} days'),
    'overview.intro': (
        "Carte nationale des 50 cercles (49 cercles et le District de Bamako). Cliquez sur un cercle ou choisissez-le dans la liste pour voir sa fiche ; l'adresse de la page permet de partager la sélection.",
        'National map of the 50 cercles (49 cercles and the District of Bamako). Click a cercle or pick it from the list to see its details; the page address can be shared to show the same selection.'),
    'overview.layer': (
        'Couche affichée',
        'Map layer'),
    'overview.meta': (
        'Région : {region} · code {code}',
        'Region: {region} · code {code}'),
    'overview.none': (
        '— aucun —',
        '— none —'),
    'overview.pick_hint': (
        'Sélectionnez un cercle sur la carte ou dans la liste.',
        'Select a cercle on the map or from the list.'),
    'overview.risk_line': (
        '**Risque** — score {score} ({cls}) · écart : {gap}',
        '**Risk** — score {score} ({cls}) · gap: {gap}'),
    'overview.risk_note': (
        'Score de risque selon le préréglage « {preset} » et les choix de la page Risque.',
        'Risk score with the “{preset}” preset and the choices made on the Risk page.'),
    'overview.table': (
        'Tableau des cercles',
        'Table of cercles'),
    'overview.tension_count': (
        '{n} signalements affichés (hors signalements faux), placés au niveau de leur précision.',
        '{n} reports shown (false reports excluded), placed at their location precision.'),
    'overview.tension_dates': (
        "Période des signalements (date de l'incident)",
        'Period of the reports (date of the incident)'),
    'overview.tiles': (
        'Fond de carte en ligne',
        'Online basemap'),
    'overview.tiles_help': (
        'Tuiles OpenStreetMap ; nécessite une connexion Internet. Sans elle, les cercles restent affichés sur un fond uni.',
        'OpenStreetMap tiles; needs an Internet connection. Without it the cercles are still drawn on a plain background.'),
    'overview.title': (
        "Vue d'ensemble des cercles",
        'Overview of the cercles'),
    'overview.unknown_cercle': (
        "Le cercle « {code} » indiqué dans l'adresse n'existe pas.",
        'The cercle "{code}" given in the address does not exist.'),
}
