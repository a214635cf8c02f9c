"""Translations of the Risk page: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'forecast.model.anchor_few': (
        "Modèle : ancre seule (moins de 12 origines d'entraînement ; {n} à cette date) : le nombre récent pondéré, rapproché de la mémoire lente du cercle quand il est petit.",
        "Model: anchor only (fewer than 12 training origins; {n} at this date): the weighted recent count, pulled towards the cercle's slow memory when it is small."),
    'forecast.model.anchor_gate': (
        "Modèle : ancre seule : la correction n'a pas fait mieux que l'ancre sur les {gate} dernières origines d'entraînement ({n} en tout).",
        'Model: anchor only: the correction did not do better than the anchor on the last {gate} training origins ({n} in all).'),
    'forecast.model.corrected': (
        "Modèle : ancre corrigée : la correction a fait mieux que l'ancre sur les {gate} dernières origines d'entraînement ({n} en tout).",
        'Model: corrected anchor: the correction did better than the anchor on the last {gate} training origins ({n} in all).'),
    'risk.forecast_line': (
        "**Prévision** — {n} {n:signalement attendu|signalements attendus} dans les {horizon} jours (intervalle à 80 % : {low} à {high}) · probabilité d'au moins un signalement : {p_any} · d'au moins un grave : {p_severe} · rang {rank} / {of}",
        '**Forecast** — {n} {n:report|reports} expected in the next {horizon} days (80 % interval: {low} to {high}) · chance of at least one report: {p_any} · of at least one severe: {p_severe} · rank {rank} / {of}'),
    'risk.forecast_why': (
        "Comment : rythme récent {recent} (sur {months} mois observés, pondérés), a priori {prior} (poids {weight} mois) → ancre {anchor}, × correction {factor}.",
        'How: recent rate {recent} (over {months} observed months, weighted), prior {prior} (weight {weight} months) → anchor {anchor}, × correction {factor}.'),
    'risk.forecast_none': (
        "Prévision : pas de donnée (moins de 90 jours d'historique avant la date de référence).",
        'Forecast: no data (less than 90 days of history before the as-of date).'),
    'risk.under_observed_note': (
        "Peu observé : aucun médiateur actif n'y observe pour le réseau de la division. L'absence de signalement du réseau n'y est pas le calme ; seules les sources extérieures (médias, partenaires, ACLED) y voient.",
        "Under-observed: no active mediator watches here for the division's network. No report from the network does not mean calm here; only external sources (media, partners, ACLED) see it."),
    'risk.provisional': (
        "Provisoire : depuis le {since}, des signalements arrivent encore (90 % arrivent dans les {lag} jours).",
        'Provisional: since {since}, reports are still coming in (90 % arrive within {lag} days).'),
    'risk.section.forecast': (
        'Prévision et incertitude',
        'Forecast and uncertainty'),
    'risk.fc.intro': (
        "Signalements attendus dans les {horizon} jours suivant la date de référence, par cercle, avec l'intervalle à 80 % (les nombres entre lesquels le total a 8 chances sur 10 de tomber), la probabilité d'au moins un signalement et d'au moins un grave (gravité 4–5). Les signalements du réseau sont comptés à observation complète.",
        'Reports expected in the {horizon} days after the as-of date, per cercle, with the 80 % interval (the numbers the total has 8 chances in 10 to fall between), the chance of at least one report and of at least one severe (severity 4–5). Reports of the network are counted at full observation.'),
    'risk.fc.col.expected': (
        'Attendus',
        'Expected'),
    'risk.fc.col.interval': (
        'Intervalle à 80 %',
        '80 % interval'),
    'risk.fc.col.p_any': (
        'P(au moins un) %',
        'P(at least one) %'),
    'risk.fc.col.p_severe': (
        'P(au moins un grave) %',
        'P(at least one severe) %'),
    'risk.fc.col.observation': (
        'Observation du réseau',
        'Network observation'),
    'risk.fc.note': (
        "Un intervalle [0, 0] n'est pas une certitude de calme : il dit que zéro est de loin le plus probable. Combien la prévision a valu sur les données chargées : page Méthodologie.",
        'An interval [0, 0] is not a certainty of calm: it says zero is by far the likeliest. How the forecast did on the loaded data: the Methodology page.'),
    'risk.class.under_observed': (
        'Peu observé',
        'Under-observed'),
    'risk.ctx.unrated': (
        'non noté',
        'not rated'),
    'indicator.armed_events_per_100k': (
        'Événements armés (ACLED/UCDP)',
        'Armed events (ACLED/UCDP)'),
    'indicator.armed_events_per_100k.def': (
        "Événements importés d'ACLED ou de l'UCDP dans la fenêtre, pour 100 000 habitants.",
        'Events imported from ACLED or UCDP in the window, per 100,000 people.'),
    'indicator.communes_with_mediator_share': (
        'Communes avec médiateur',
        'Communes with a mediator'),
    'indicator.communes_with_mediator_share.def': (
        'Part des communes du cercle ayant au moins un médiateur actif.',
        "Share of the cercle's communes with at least one active mediator."),
    'indicator.density': (
        'Densité',
        'Density'),
    'indicator.density.def': (
        'Habitants par km².',
        'People per km².'),
    'indicator.fatalities': (
        'Décès',
        'Fatalities'),
    'indicator.fatalities.def': (
        "Décès rapportés dans la fenêtre (personnes), ceux des signalements du réseau lus à observation complète comme les signalements.",
        "Fatalities reported in the window (persons), those of the network's reports read at full observation as the reports are."),
    'indicator.mediators_active_per_10k': (
        'Médiateurs actifs',
        'Active mediators'),
    'indicator.mediators_active_per_10k.def': (
        'Médiateurs actifs formés à la date de référence, pour 10 000 habitants.',
        'Active mediators trained by the as-of date, per 10,000 people.'),
    'indicator.months_since_workshop': (
        'Mois depuis le dernier atelier',
        'Months since the last workshop'),
    'indicator.months_since_workshop.def': (
        "Depuis janvier 2017 si aucun atelier ; compte contre la capacité d'adaptation.",
        'From January 2017 when none; counts against coping capacity.'),
    'indicator.population': (
        'Population',
        'Population'),
    'indicator.population.def': (
        'Habitants (RGPH 2009) : plus de personnes exposées.',
        'People (2009 census): more people exposed.'),
    'indicator.tension_trend_per_100k': (
        'Tendance des tensions',
        'Tension trend'),
    'indicator.tension_trend_per_100k.def': (
        'Signalements pondérés des 30 derniers jours moins le rythme mensuel des 90 jours précédents, pour 100 000 habitants. Poids 0 par défaut : un signalement ancien de 30 à 120 jours fait baisser la tendance, donc pourrait faire baisser le score de son cercle.',
        "Weighted reports of the last 30 days minus the monthly rate of the 90 days before, per 100,000 people. Weight 0 by default: a report 30 to 120 days old lowers the trend, so it could lower its cercle's score."),
    'indicator.forecast_reports': (
        'Signalements prévus (90 j)',
        'Forecast reports (90 days)'),
    'indicator.forecast_reports.def': (
        "Signalements attendus dans les 90 jours suivant la date de référence : le nombre récent pondéré (rapproché de la mémoire lente du cercle et de ses voisins quand il est petit), corrigé seulement si la correction a fait mieux hors échantillon ; à observation complète pour le réseau. Vide avec moins de 90 jours d'historique.",
        'Reports expected in the 90 days after the as-of date: the weighted recent count (pulled towards the slow memory of the cercle and its neighbours when small), corrected only where the correction did better out of sample; at full observation for the network. Empty with less than 90 days of history.'),
    'indicator.tension_weighted_per_100k': (
        'Signalements pondérés',
        'Weighted reports'),
    'indicator.tension_weighted_per_100k.def': (
        "Somme des gravités (1–5) des signalements de la fenêtre, non vérifiés pondérés, faux exclus, pour 100 000 habitants. Un signalement du réseau de la division compte 1 / (part des communes du cercle où un médiateur actif observe, au plus 10) : plus de médiateurs n'augmentent pas d'eux-mêmes le score ; les sources extérieures comptent 1.",
        "Sum of severities (1–5) of the window's reports, unverified ones weighted, false ones excluded, per 100,000 people. A report of the division's network counts 1 / (share of the cercle's communes an active mediator watches, at most 10): more mediators do not by themselves raise the score; external sources count 1."),
    'indicator.workshop_participants_24m_per_10k': (
        'Participants aux ateliers (24 mois)',
        'Workshop participants (24 months)'),
    'indicator.workshop_participants_24m_per_10k.def': (
        'Participants des ateliers des 24 derniers mois, pour 10 000 habitants.',
        "Participants of the last 24 months' workshops, per 10,000 people."),
    'risk.agg.arithmetic': (
        'arithmétique',
        'arithmetic'),
    'risk.agg.geometric': (
        'géométrique (décalée de 1)',
        'geometric (shifted by 1)'),
    'risk.agg.geometric_strict': (
        'géométrique stricte (INFORM)',
        'strict geometric (INFORM)'),
    'risk.aggregation': (
        'Agrégation des dimensions',
        'Aggregation of dimensions'),
    'risk.as_of': (
        'Date de référence',
        'As-of date'),
    'risk.as_of_help': (
        "Seuls les enregistrements datés de ce jour ou avant sont utilisés. Par défaut : la date du dernier enregistrement. Entre le premier enregistrement et le dernier plus l'horizon de la prévision (90 jours).",
        "Only records dated on or before this day are used. Default: the latest record date. From the first record to the latest plus the forecast's horizon (90 days)."),
    'risk.as_of_outside': (
        'La date de référence du lien ({asked}) est hors des données (du {first} au {last}) : la vue est calculée au {used}.',
        "The link's as-of date ({asked}) is outside the data (from {first} to {last}): the view is computed as of {used}."),
    'risk.breakdown': (
        'Indicateurs de {cercle} face à la médiane nationale',
        "{cercle}'s indicators against the national median"),
    'risk.chart.points': (
        'Points du score apportés par la dimension',
        'Points of the score from the dimension'),
    'risk.chart.this': (
        'Ce cercle',
        'This cercle'),
    'risk.class': (
        'Classe',
        'Class'),
    'risk.class.high': (
        'Élevé',
        'High'),
    'risk.class.low': (
        'Faible',
        'Low'),
    'risk.class.medium': (
        'Moyen',
        'Medium'),
    'risk.class.very_high': (
        'Très élevé',
        'Very high'),
    'risk.class.very_low': (
        'Très faible',
        'Very low'),
    'risk.class_line': (
        'Classe : **{cls}**',
        'Class: **{cls}**'),
    'risk.col.contribution': (
        'Contribution',
        'Contribution'),
    'risk.col.contribution_median': (
        'Contribution médiane',
        'Median contribution'),
    'risk.col.dimension': (
        'Dimension',
        'Dimension'),
    'risk.col.indicator': (
        'Indicateur',
        'Indicator'),
    'risk.col.median': (
        'Médiane nationale',
        'National median'),
    'risk.col.normalised': (
        'Normalisé 0–10',
        'Normalised 0–10'),
    'risk.col.normalised_median': (
        'Médiane nationale (normalisée)',
        'National median (normalised)'),
    'risk.col.raw': (
        'Valeur brute',
        'Raw value'),
    'risk.col.raw_median': (
        'Médiane nationale (brute)',
        'National median (raw)'),
    'risk.col.value': (
        'Valeur',
        'Value'),
    'risk.completeness': (
        'Complétude',
        'Completeness'),
    'risk.completeness_pct': (
        'Complétude (%)',
        'Completeness (%)'),
    'risk.ctx.add': (
        'Ajouter un facteur de contexte',
        'Add a context factor'),
    'risk.ctx.add_button': (
        'Ajouter le facteur',
        'Add the factor'),
    'risk.ctx.added': (
        'Facteur « {factor} » ajouté : notez les cercles dans le tableau.',
        'Factor “{factor}” added: rate the cercles in the table.'),
    'risk.ctx.desc_en': (
        'Description en anglais',
        'Description in English'),
    'risk.ctx.desc_fr': (
        'Description en français',
        'Description in French'),
    'risk.ctx.factor': (
        'Facteur',
        'Factor'),
    'risk.ctx.history': (
        'Historique des notes ({n} dernières)',
        'Rating history (last {n})'),
    'risk.ctx.intro': (
        'Notes de 0 (aucun) à 10 (très fort) données par cercle par les personnes qui connaissent le terrain. Elles forment, avec la population et la densité, la dimension « contexte ». Chaque modification est conservée avec son auteur et sa date ; une case vidée retire la note (pas de donnée).',
        'Ratings from 0 (none) to 10 (very strong) given per cercle by people who know the ground. With population and density they make up the “context” dimension. Every change is kept with its author and date; an emptied cell withdraws the rating (no data).'),
    'risk.ctx.label_en': (
        'Libellé en anglais',
        'Label in English'),
    'risk.ctx.label_fr': (
        'Libellé en français',
        'Label in French'),
    'risk.ctx.note': (
        'Note ou source',
        'Note or source'),
    'risk.ctx.problem.label_missing': (
        'Les deux libellés (français et anglais) sont requis.',
        'Both labels (French and English) are required.'),
    'risk.ctx.problem.label_taken': (
        'Un facteur porte déjà ce libellé : {label}.',
        'A factor already has this label: {label}.'),
    'risk.ctx.problem.out_of_range': (
        "{cercle}, {factor} : {value} n'est pas une note de 0 à 10.",
        '{cercle}, {factor}: {value} is not a rating from 0 to 10.'),
    'risk.ctx.problem.unknown_cercle': (
        'Cercle inconnu : {cercle}.',
        'Unknown cercle: {cercle}.'),
    'risk.ctx.problem.unknown_factor': (
        'Facteur inconnu : {factor}.',
        'Unknown factor: {factor}.'),
    'risk.ctx.save': (
        'Enregistrer {n} {n:modification|modifications}',
        'Save {n} {n:change|changes}'),
    'risk.ctx.saved': (
        'Notes enregistrées.',
        'Ratings saved.'),
    'risk.ctx.when': (
        'Date',
        'When'),
    'risk.ctx.who': (
        'Évalué par',
        'Rated by'),
    'risk.ctx.by': (
        'Enregistré sous votre nom : {user}.',
        'Recorded under your name: {user}.'),
    'risk.ctx.read_only': (
        'Lecture seule : la notation est réservée aux analystes.',
        'Read only: rating is for analysts.'),
    'risk.dim.coping': (
        "Manque de capacité d'adaptation",
        'Lack of coping capacity'),
    'risk.dim.hazard': (
        'Tensions (aléa)',
        'Tensions (hazard)'),
    'risk.dim.vulnerability': (
        'Contexte (vulnérabilité)',
        'Context (vulnerability)'),
    'risk.download_csv': (
        'Télécharger (CSV)',
        'Download (CSV)'),
    'risk.download_geojson': (
        'Télécharger (GeoJSON)',
        'Download (GeoJSON)'),
    'risk.download_note': (
        "Chaque fichier indique la date de référence, la fenêtre, le préréglage, la normalisation, l'agrégation et tous les poids utilisés.",
        'Each file states the as-of date, window, preset, normalisation, aggregation and every weight used.'),
    'risk.explain': (
        'Pourquoi ce score',
        'Why this score'),
    'risk.explain_note': (
        "Normalisé : 10 = le plus de risque parmi les cercles (les capacités d'adaptation sont inversées). Les contributions, en points du score, s'additionnent pour donner le score ; un indicateur sans valeur ne contribue pas et réduit la complétude.",
        'Normalised: 10 = most risk among the cercles (coping capacities are reversed). Contributions, in points of the score, add up to the score; an indicator without a value contributes nothing and lowers completeness.'),
    'risk.method_controls': (
        'Méthode : poids, normalisation, agrégation',
        'Method: weights, normalisation, aggregation'),
    'risk.indicator_weights': (
        'Poids des indicateurs',
        'Indicator weights'),
    'risk.intro': (
        "Au {as_of}, fenêtre de {window} jours · préréglage « {preset} » · normalisation {norm} · agrégation {agg}. Un score élevé signale un besoin d'attention, pas une prévision certaine ; voir la page Méthodologie.",
        'As of {as_of}, {window}-day window · “{preset}” preset · {norm} normalisation · {agg} aggregation. A high score flags a need for attention, not a certain forecast; see the Methodology page.'),
    'risk.norm.minmax': (
        'min-max',
        'min-max'),
    'risk.norm.rank': (
        'par rangs',
        'rank'),
    'risk.norm.zscore': (
        'score z',
        'z-score'),
    'risk.normalisation': (
        'Normalisation',
        'Normalisation'),
    'risk.pick_hint': (
        'Cliquez un cercle sur la carte ou choisissez-le dans la liste pour voir ce qui compose son score.',
        'Click a cercle on the map or pick it in the list to see what makes up its score.'),
    'risk.preset': (
        'Préréglage',
        'Preset'),
    'risk.preset.coverage_first': (
        "Couverture d'abord",
        'Coverage first'),
    'risk.preset.coverage_first.help': (
        'Pour planifier un déploiement : le manque de médiateurs compte double.',
        'For deployment planning: a lack of mediators counts double.'),
    'risk.preset.default': (
        'Veille (par défaut)',
        'Veille (default)'),
    'risk.preset.default.help': (
        'Trois dimensions de même poids ; signalements et médiateurs pèsent le plus.',
        'Three dimensions of equal weight; reports and mediators weigh most.'),
    'risk.preset.inform': (
        'Type INFORM',
        'INFORM-like'),
    'risk.preset.inform.help': (
        "Comme l'indice INFORM : poids égaux partout, moyenne géométrique stricte, min-max.",
        'As the INFORM index: equal weights everywhere, strict geometric mean, min-max.'),
    'risk.preset.tensions_first': (
        "Tensions d'abord",
        'Tensions first'),
    'risk.preset.tensions_first.help': (
        "Les tensions récentes comptent double (moyenne arithmétique pour qu'elles dominent).",
        'Recent tensions count double (arithmetic mean so that they dominate).'),
    'risk.preset_help': (
        'Un jeu de pondérations et de choix de méthode ; chaque réglage peut ensuite être modifié.',
        'A set of weights and method choices; each setting can then be changed.'),
    'risk.rank': (
        'Rang',
        'Rank'),
    'risk.reset': (
        'Rétablir les réglages par défaut',
        'Reset to defaults'),
    'risk.score': (
        'Score (0–10)',
        'Score (0–10)'),
    'risk.section': (
        'Afficher',
        'Show'),
    'risk.section.context': (
        "Facteurs de contexte (avis d'experts)",
        'Context factors (expert ratings)'),
    'risk.section.ranking': (
        'Classement et téléchargements',
        'Ranking and downloads'),
    'risk.section.sensitivity': (
        'Analyse de sensibilité',
        'Sensitivity analysis'),
    'risk.sens.axis': (
        'Rang (médiane et intervalle à 90 %)',
        'Rank (median and 90% interval)'),
    'risk.sens.chart_note': (
        'Les 25 cercles au meilleur rang médian. {draws} tirages, graine {seed}, écart ±{spread} % : même graine, même résultat.',
        'The 25 cercles with the best median rank. {draws} draws, seed {seed}, spread ±{spread}%: same seed, same result.'),
    'risk.sens.draws': (
        'Tirages',
        'Draws'),
    'risk.sens.intro': (
        "Le score est recalculé de nombreuses fois en perturbant chaque poids (facteur tiré entre 1 − écart et 1 + écart) et en tirant au hasard la normalisation et l'agrégation. Un cercle dont l'intervalle de rang est étroit est classé de façon robuste.",
        'The score is recomputed many times with each weight perturbed (factor drawn between 1 − spread and 1 + spread) and normalisation and aggregation drawn at random. A cercle with a narrow rank interval is ranked robustly.'),
    'risk.sens.legend': (
        'Top 10 stable',
        'Stable top 10'),
    'risk.sens.median': (
        'Rang médian',
        'Median rank'),
    'risk.sens.no': (
        'non',
        'no'),
    'risk.sens.none': (
        "Lancez l'analyse pour voir la stabilité du classement.",
        'Run the analysis to see how stable the ranking is.'),
    'risk.sens.progress': (
        'Tirages : {done} / {total}',
        'Draws: {done} / {total}'),
    'risk.sens.run': (
        "Lancer l'analyse",
        'Run the analysis'),
    'risk.sens.seed': (
        'Graine aléatoire',
        'Random seed'),
    'risk.sens.spread': (
        'Écart des poids (±)',
        'Weight spread (±)'),
    'risk.sens.stable': (
        '**Cercles dans les 10 premiers dans au moins 80 % des tirages ({n}) :**',
        '**Cercles in the top 10 in at least 80% of draws ({n}):**'),
    'risk.sens.stale': (
        'Les réglages ont changé depuis la dernière analyse : relancez-la.',
        'The settings changed since the last analysis: run it again.'),
    'risk.sens.top_share': (
        'Part des tirages dans le top 10',
        'Share of draws in the top 10'),
    'risk.sens.yes': (
        'oui',
        'yes'),
    'risk.sidebar.title': (
        'Méthode du score',
        'Score method'),
    'risk.title': (
        'Score de risque composite par cercle',
        'Composite risk score per cercle'),
    'risk.unverified': (
        "Poids d'un signalement non vérifié",
        'Weight of an unverified report'),
    'risk.unverified_help': (
        '1 = compte comme un signalement vérifié ; 0 = ignoré. Les signalements avérés faux ne comptent jamais.',
        '1 = counts as a verified report; 0 = ignored. Reports found false never count.'),
    'risk.url_ignored': (
        'Paramètres de lien non compris, valeurs par défaut utilisées : {params}.',
        'Link parameters not understood, defaults used: {params}.'),
    'risk.window': (
        "Fenêtre d'observation (jours)",
        'Look-back window (days)'),
    'risk.window_help': (
        'Période, avant la date de référence, sur laquelle les signalements sont comptés.',
        'Period before the as-of date over which reports are counted.'),
}
