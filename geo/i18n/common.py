"""Translations of sidebar, navigation, maps, fields, places: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'chrome.print_more_rows': (
        "… {n} lignes de plus : l'export CSV les contient toutes.",
        "… {n} more rows: the CSV export holds them all.",
    ),
    'chrome.per_file': (
        '{mb} Mo au plus par fichier · CSV, TXT, TSV, XLSX, GeoJSON',
        '{mb} MB at most per file · CSV, TXT, TSV, XLSX, GeoJSON'),
    'chrome.choose': ('Choisir…', 'Choose…'),
    'chrome.date.day': ('jj', 'dd'),
    'chrome.date.month': ('mm', 'mm'),
    'chrome.date.year': ('aaaa', 'yyyy'),
    'chrome.upload': (
        'Choisir un fichier',
        'Choose a file'),
    'store.failure.full': (
        "Le disque de la base de données est plein : rien n'a été enregistré. Libérez de la place (ou prévenez l'administrateur), puis recommencez.",
        'The store\'s disk is full: nothing was stored. Free some space (or tell the administrator), then try again.'),
    'store.failure.unreachable': (
        "La base de données est injoignable : rien n'a été enregistré. Réessayez dans un moment ; si cela dure, prévenez l'administrateur.",
        'The store cannot be reached: nothing was stored. Try again in a moment; if it lasts, tell the administrator.'),
    'store.failure.error': (
        "La base de données a refusé l'opération ({kind}) : rien n'a été enregistré.",
        'The store refused the operation ({kind}): nothing was stored.'),
    'error.unexpected.title': (
        'Cette page a rencontré une erreur',
        'This page ran into an error'),
    'error.unexpected.text': (
        "Rien de ce qui était enregistré n'est perdu. L'erreur est consignée dans le journal du serveur ({at}) : rechargez la page ; si elle revient, donnez cette heure à l'administrateur.",
        'Nothing that was stored is lost. The error is in the server\'s log ({at}): reload the page; if it comes back, give this time to the administrator.'),
    'store.down.title': (
        'Base de données injoignable',
        'The store cannot be reached'),
    'store.down.text': (
        "Veille ne parvient pas à joindre sa base de données. Rien n'est perdu : la page réessaie toute seule toutes les {seconds} secondes et revient dès que la base répond. Si cela dure, prévenez l'administrateur.",
        'Veille cannot reach its store. Nothing is lost: the page tries again by itself every {seconds} seconds and comes back as soon as the store answers. If it lasts, tell the administrator.'),
    'demo.banner': (
        'Données de démonstration : les ateliers, médiateurs et signalements affichés sont fictifs (générés pour la démonstration). Ne pas utiliser pour un briefing.',
        'Demonstration data: the workshops, mediators and reports shown are invented (generated for the demonstration). Do not use in a briefing.'),
    'demo.remove': (
        'Retirer la démo',
        'Remove demo'),
    'field.area': (
        'Superficie',
        'Area'),
    'field.cercle': (
        'Cercle',
        'Cercle'),
    'field.code': (
        'Code',
        'Code'),
    'field.commune': (
        'Commune',
        'Commune'),
    'field.communes': (
        'Communes',
        'Communes'),
    'field.density': (
        'Densité',
        'Density'),
    'field.population': (
        'Population (2009)',
        'Population (2009)'),
    'field.region': (
        'Région',
        'Region'),
    'field.severity': (
        'gravité',
        'severity'),
    'fieldname.age_band': (
        "tranche d'âge",
        'age band'),
    'fieldname.best': (
        'morts (UCDP best)',
        'deaths (UCDP best)'),
    'fieldname.category': (
        'catégorie',
        'category'),
    'fieldname.cercle': (
        'cercle',
        'cercle'),
    'fieldname.civil_society': (
        'société civile',
        'civil society'),
    'fieldname.commune': (
        'commune',
        'commune'),
    'fieldname.end_date': (
        'date de fin',
        'end date'),
    'fieldname.event_type': (
        "type d'événement (ACLED)",
        'event type (ACLED)'),
    'fieldname.fatalities': (
        'morts',
        'fatalities'),
    'fieldname.gender': (
        'genre',
        'gender'),
    'fieldname.geo_precision': (
        'précision géographique (source)',
        'geographic precision (source)'),
    'fieldname.government': (
        'administration',
        'government'),
    'fieldname.injuries': (
        'blessés',
        'injuries'),
    'fieldname.languages': (
        'langues',
        'languages'),
    'fieldname.latitude': (
        'latitude',
        'latitude'),
    'fieldname.local_authorities': (
        'autorités locales',
        'local authorities'),
    'fieldname.location_precision': (
        'précision de la localisation',
        'location precision'),
    'fieldname.longitude': (
        'longitude',
        'longitude'),
    'fieldname.media': (
        'médias',
        'media'),
    'fieldname.mediator_code': (
        'code du médiateur',
        'mediator code'),
    'fieldname.notes': (
        'notes',
        'notes'),
    'fieldname.occurred_on': (
        "date de l'incident",
        'incident date'),
    'fieldname.organiser': (
        'organisateur',
        'organiser'),
    'fieldname.participants': (
        'participants',
        'participants'),
    'fieldname.political_parties': (
        'partis politiques',
        'political parties'),
    'fieldname.region': (
        'région',
        'region'),
    'fieldname.report_id': (
        'identifiant du signalement',
        'report identifier'),
    'fieldname.reported_on': (
        'date du signalement',
        'report date'),
    'fieldname.severity': (
        'gravité',
        'severity'),
    'fieldname.signatory_movements': (
        'mouvements signataires',
        'signatory movements'),
    'fieldname.source_type': (
        'type de source',
        'source type'),
    'fieldname.start_date': (
        'date de début',
        'start date'),
    'fieldname.status': (
        'statut',
        'status'),
    'fieldname.summary': (
        'résumé',
        'summary'),
    'fieldname.time_precision': (
        'précision de la date (source)',
        'date precision (source)'),
    'fieldname.traditional_associations': (
        'associations traditionnelles',
        'traditional associations'),
    'fieldname.trained_on': (
        'date de formation',
        'training date'),
    'fieldname.verification': (
        'vérification',
        'verification'),
    'fieldname.women': (
        'femmes',
        'women'),
    'fieldname.workshop_id': (
        "identifiant d'atelier",
        'workshop identifier'),
    'fieldname.youth': (
        'jeunes',
        'young people'),
    'gazetteer.ambiguous': (
        '« {query} » est ambigu : {candidates}. Précisez le cercle ou la région.',
        '"{query}" is ambiguous: {candidates}. Give the cercle or region.'),
    'gazetteer.empty': (
        'Nom de lieu vide.',
        'Empty place name.'),
    'gazetteer.unknown': (
        '« {query} » : nom de {level} inconnu.',
        '"{query}": unknown {level}.'),
    'gazetteer.unknown_suggest': (
        '« {query} » : nom de {level} inconnu. Vouliez-vous dire : {suggestions} ?',
        '"{query}": unknown {level}. Did you mean: {suggestions}?'),
    'group.civil_society': (
        'société civile',
        'civil society'),
    'group.government': (
        'gouvernement',
        'government'),
    'group.local_authorities': (
        'autorités locales',
        'local authorities'),
    'group.media': (
        'médias',
        'media'),
    'group.political_parties': (
        'partis politiques',
        'political parties'),
    'group.signatory_movements': (
        'mouvements signataires',
        'signatory movements'),
    'group.traditional_associations': (
        'associations traditionnelles',
        'traditional associations'),
    'kind.mediators': (
        'Médiateurs',
        'Mediators'),
    'kind.tensions': (
        'Signalements de tensions',
        'Tension reports'),
    'kind.workshops': (
        'Ateliers',
        'Workshops'),
    'layer.area': (
        'Superficie',
        'Area'),
    'layer.area.unit': (
        'km²',
        'km²'),
    'layer.commune_distance_km': (
        'Distance au médiateur (communes)',
        'Distance to a mediator (communes)'),
    'layer.commune_distance_km.unit': (
        'km depuis le point représentatif de la commune, arrondi à 5 km',
        "km from the commune's representative point, rounded to 5 km"),
    'layer.communes_without_mediator_share': (
        'Communes sans médiateur',
        'Communes without a mediator'),
    'layer.communes_without_mediator_share.unit': (
        'part des communes du cercle (0–1)',
        "share of the cercle's communes (0–1)"),
    'layer.density': (
        'Densité de population',
        'Population density'),
    'layer.density.unit': (
        'hab./km²',
        'people/km²'),
    'layer.gap_class': (
        'Écarts risque / couverture',
        'Risk / coverage gaps'),
    'layer.gap_class.unit': (
        'quadrants selon les seuils de la page Couverture',
        "quadrants from the Coverage page's thresholds"),
    'layer.mean_distance_km': (
        'Distance au médiateur le plus proche',
        'Distance to the nearest mediator'),
    'layer.mean_distance_km.unit': (
        'km, moyenne pondérée par la population (estimée) des communes',
        "km, mean weighted by the communes' (estimated) population"),
    'layer.mediators': (
        'Médiateurs communautaires',
        'Community mediators'),
    'layer.mediators.unit': (
        'médiateurs actifs (effectifs)',
        'active mediators (headcount)'),
    'layer.mediators_per_1000km2': (
        'Médiateurs par superficie',
        'Mediators per area'),
    'layer.mediators_per_1000km2.unit': (
        'médiateurs actifs pour 1 000 km²',
        'active mediators per 1,000 km²'),
    'layer.mediators_per_10k': (
        'Densité de médiateurs',
        'Mediator density'),
    'layer.mediators_per_10k.unit': (
        'médiateurs actifs pour 10 000 habitants',
        'active mediators per 10,000 people'),
    'layer.population': (
        'Population',
        'Population'),
    'layer.population.unit': (
        'habitants (RGPH 2009)',
        'people (2009 census)'),
    'layer.forecast_reports': (
        'Signalements prévus (90 j)',
        'Forecast reports (90 days)'),
    'layer.forecast_reports.unit': (
        'attendus dans les 90 jours [intervalle à 80 %], à observation complète',
        'expected in the next 90 days [80 % interval], at full observation'),
    'layer.risk_score': (
        'Score de risque',
        'Risk score'),
    'layer.risk_score.unit': (
        'score composite 0–10, classes fixes',
        'composite score 0–10, fixed classes'),
    'layer.tensions': (
        'Signalements de tensions',
        'Tension reports'),
    'layer.workshop_participants_per_10k': (
        'Participants aux ateliers',
        'Workshop participants'),
    'layer.workshop_participants_per_10k.unit': (
        'pour 10 000 habitants',
        'per 10,000 people'),
    'layer.workshop_sessions': (
        'Ateliers (sessions)',
        'Workshops (sessions)'),
    'layer.workshop_sessions.unit': (
        'sessions tenues dans le cercle',
        'sessions held in the cercle'),
    'level.cercle': (
        'cercle',
        'cercle'),
    'level.commune': (
        'commune',
        'commune'),
    'level.region': (
        'région',
        'region'),
    'map.legend_source': (
        'Source : {source}',
        'Source: {source}'),
    'map.no_data': (
        'Pas de données',
        'No data'),
    'map.under_observed': (
        'Peu observé',
        'Under-observed'),
    'map.under_observed_row': (
        "aucun médiateur actif : l'absence de signalement n'y est pas le calme",
        'no active mediator: no report there does not mean calm'),
    'map.under_observed_line': (
        "Peu observé : aucun médiateur actif, l'absence de signalement n'y est pas le calme",
        'Under-observed: no active mediator, no report there does not mean calm'),
    'map.observation': (
        'Observation du réseau',
        'Network observation'),
    'map.observed_share': (
        '{share} % des communes observées',
        '{share} % of the communes watched'),
    'map.tensions_title': (
        'Signalements (taille = gravité)',
        'Reports (size = severity)'),
    'nav.coverage': (
        'Couverture',
        'Coverage'),
    'nav.data': (
        'Données de terrain',
        'Field data'),
    'nav.methodology': (
        'Méthodologie',
        'Methodology'),
    'nav.overview': (
        "Vue d'ensemble",
        'Overview'),
    'nav.provenance': (
        'Sources et méthode',
        'Sources and method'),
    'nav.risk': (
        'Risque',
        'Risk'),
    'sidebar.boundaries': (
        'Limites : {version}, structure antérieure à 2016 (8 régions + Bamako, 49 cercles + Bamako). Population : RGPH 2009.',
        'Boundaries: {version}, pre-2016 structure (8 regions + Bamako, 49 cercles + Bamako). Population: 2009 census.'),
    'sidebar.language': (
        'Langue / Language',
        'Langue / Language'),
    'unit.km2': (
        'km²',
        'km²'),
    'unit.per_km2': (
        'hab./km²',
        'people/km²'),
}
