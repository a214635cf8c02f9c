"""Translations of Sources and method: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'dataset.cercles': (
        'Cercles (ADM2)',
        'Cercles (ADM2)'),
    'dataset.cercles.licence': (
        'CC BY 4.0',
        'CC BY 4.0'),
    'dataset.cercles.source': (
        'geoBoundaries (Runfola et al. 2020), source DNCT/DNP Mali via OCHA (HDX), version du 12/06/2021',
        'geoBoundaries (Runfola et al. 2020), source DNCT/DNP Mali via UN OCHA (HDX), build 2021-06-12'),
    'dataset.cercles.version': (
        'MLI-ADM2-8926073, année des limites 2017',
        'MLI-ADM2-8926073, boundaryYear 2017'),
    'dataset.communes': (
        'Communes (ADM3)',
        'Communes (ADM3)'),
    'dataset.communes.licence': (
        'CC BY 4.0',
        'CC BY 4.0'),
    'dataset.communes.source': (
        'geoBoundaries (Runfola et al. 2020), source DNCT/DNP Mali via OCHA (HDX), version du 12/06/2021',
        'geoBoundaries (Runfola et al. 2020), source DNCT/DNP Mali via UN OCHA (HDX), build 2021-06-12'),
    'dataset.communes.version': (
        'MLI-ADM3-61693064, année des limites 2017',
        'MLI-ADM3-61693064, boundaryYear 2017'),
    'dataset.population': (
        'Population par cercle',
        'Population per cercle'),
    'dataset.population.licence': (
        'statistique officielle (des faits) ; texte de Wikipédia CC BY-SA',
        'official statistics (facts); Wikipedia text CC BY-SA'),
    'dataset.population.source': (
        'INSTAT Mali, RGPH 2009, résultats provisoires (tels que reproduits sur Wikipédia)',
        'INSTAT Mali, RGPH 2009 provisional results (as reproduced on Wikipedia)'),
    'dataset.population.version': (
        'RGPH 2009 (1er avril 2009)',
        'RGPH 2009 (1 April 2009)'),
    'dataset.regions': (
        'Régions (ADM1)',
        'Regions (ADM1)'),
    'dataset.regions.licence': (
        'CC BY 4.0',
        'CC BY 4.0'),
    'dataset.regions.source': (
        'geoBoundaries (Runfola et al. 2020), source DNCT/DNP Mali via OCHA (HDX), version du 12/06/2021 ; fusion des cercles (ADM2)',
        'geoBoundaries (Runfola et al. 2020), source DNCT/DNP Mali via UN OCHA (HDX), build 2021-06-12; dissolved from ADM2'),
    'dataset.regions.version': (
        'MLI-ADM2-8926073, année des limites 2017',
        'MLI-ADM2-8926073, boundaryYear 2017'),
    'dataset.neighbours': (
        'Voisinage des cercles',
        'Neighbouring cercles'),
    'dataset.neighbours.licence': (
        'CC BY 4.0',
        'CC BY 4.0'),
    'dataset.neighbours.source': (
        'Veille, calculé à partir des cercles (contiguïté « reine », libpysal)',
        'Veille, derived from the cercles (queen contiguity, libpysal)'),
    'dataset.neighbours.version': (
        'contiguïté « reine », limites 2017',
        'queen contiguity, 2017 boundaries'),
    'dataset.elections': (
        'Calendrier électoral',
        'Election calendar'),
    'dataset.elections.licence': (
        'faits (domaine public)',
        'facts (public record)'),
    'dataset.elections.source': (
        "Annonces du ministère de l'Administration territoriale, Cour constitutionnelle (IFES ElectionGuide)",
        "Ministry of Territorial Administration announcements, Constitutional Court (IFES ElectionGuide)"),
    'dataset.elections.version': (
        'tous les tours nationaux 2013–2023 (table modifiable)',
        'every national round 2013–2023 (editable table)'),
    'dataset.zones': (
        'Zones de diffusion (médiateurs)',
        'Disclosure zones (mediators)'),
    'dataset.zones.licence': (
        'CC BY 4.0',
        'CC BY 4.0'),
    'dataset.zones.source': (
        'Veille, calculé à partir des communes (geo.analysis.disclosure.zones)',
        'Veille, derived from the communes (geo.analysis.disclosure.zones)'),
    'dataset.zones.version': (
        "zones d'au moins 1 257 km² (disque de 20 km de rayon)",
        'zones of at least 1,257 km² (a 20 km-radius disc)'),
    'provenance.boundaries': (
        'Version des limites administratives',
        'Administrative boundary version'),
    'provenance.boundaries_text': (
        "Structure antérieure à 2016 : 8 régions et le District de Bamako, 49 cercles et le District, 701 communes. Ménaka est un cercle de Gao ; Taoudénit n'est pas séparé de Tombouctou. Les redécoupages de 2016 et 2023 ne sont pas représentés.",
        'Pre-2016 structure: 8 regions and the District of Bamako, 49 cercles and the District, 701 communes. Ménaka is a cercle of Gao; Taoudénit is not separated from Tombouctou. The 2016 and 2023 re-divisions are not represented.'),
    'provenance.census': (
        'Population',
        'Population'),
    'provenance.census_text': (
        "Recensement général de la population et de l'habitat (RGPH) du 1er avril 2009, résultats provisoires (INSTAT). Total national : {total} habitants. Les chiffres de {estimated} sont des estimations (reste régional réparti au prorata). Les populations ont changé depuis 2009 : les densités sont des ordres de grandeur.",
        'General Census of Population and Housing (RGPH) of 1 April 2009, provisional results (INSTAT). National total: {total} people. The figures for {estimated} are estimates (regional remainder split pro rata). Populations have changed since 2009: densities are orders of magnitude.'),
    'provenance.col.dataset': (
        'Jeu de données',
        'Dataset'),
    'provenance.col.features': (
        'Entités',
        'Features'),
    'provenance.col.file': (
        'Fichier',
        'File'),
    'provenance.col.licence': (
        'Licence',
        'Licence'),
    'provenance.col.sha256': (
        'SHA-256',
        'SHA-256'),
    'provenance.col.source': (
        'Source',
        'Source'),
    'provenance.col.version': (
        'Version',
        'Version'),
    'provenance.datasets': (
        'Jeux de données de référence',
        'Reference datasets'),
    'provenance.demo': (
        'Données de démonstration',
        'Demonstration data'),
    'provenance.demo_text': (
        "Les limites et la population sont des données réelles. Les ateliers, médiateurs, signalements et notes d'experts des facteurs de contexte de démonstration sont inventés : générés de façon déterministe à partir des chiffres publics de la mission (ateliers depuis 2017 dans neuf régions, 540 participants, 1 424 médiateurs, signalements concentrés autour de la présidentielle de 2018). Un bandeau les signale sur chaque page tant qu'ils sont chargés ; ils ne doivent jamais servir à un briefing.",
        "Boundaries and population are real data. The demonstration workshops, mediators, reports and expert ratings of context factors are invented: generated deterministically from the mission's public figures (workshops since 2017 in nine regions, 540 participants, 1,424 mediators, reports concentrated around the 2018 presidential election). A banner flags them on every page while they are loaded; they must never be used in a briefing."),
    'provenance.intro': (
        "Ce qu'affiche Veille, d'où cela vient et ce qu'il ne faut pas en conclure. À citer dans tout briefing.",
        'What Veille shows, where it comes from and what not to conclude from it. Quote this in any briefing.'),
    'provenance.method': (
        "Méthode de calcul et d'affichage",
        'Computation and display method'),
    'provenance.method_text': (
        "Les superficies sont calculées en projection à surface égale (EPSG:6933). Pour l'affichage, les limites sont simplifiées (tolérance d'environ 1 km) sans créer de trou ni de chevauchement entre cercles ; les calculs utilisent la géométrie complète. Les codes nationaux ML01… n'ont pas été vérifiés contre les P-codes OCHA. Les distances sont mesurées dans une projection conique conforme de Lambert ajustée au Mali (écart < 1 % avec les distances orthodromiques). La population des communes n'existe pas dans ces données : elle est estimée en répartissant celle du cercle au prorata de la superficie.",
        "Areas are computed in an equal-area projection (EPSG:6933). For display, boundaries are simplified (about 1 km tolerance) without opening gaps or overlaps between cercles; computations use the full geometry. The national codes ML01… have not been checked against OCHA P-codes. Distances are measured in a Lambert conformal conic projection fitted to Mali (within 1% of great-circle distances). Commune populations are not in these data: they are estimated by sharing the cercle's population by area."),
    'provenance.offline': (
        'Fonctionnement hors ligne',
        'Working offline'),
    'provenance.offline_text': (
        "La carte et ses bibliothèques (Leaflet) sont servies par l'application elle-même : aucune connexion Internet n'est nécessaire, sauf pour le fond de carte en ligne facultatif.",
        'The map and its libraries (Leaflet) are served by the app itself: no Internet connection is needed, except for the optional online basemap.'),
    'provenance.title': (
        'Sources, licences et méthode',
        'Sources, licences and method'),
}
