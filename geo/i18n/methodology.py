"""Translations of the Methodology page: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'method.forecast': (
        'Prévision des signalements : évaluation hors échantillon',
        'Forecast of reports: out-of-sample evaluation'),
    'method.forecast_text': (
        "La prévision (indicateur principal du danger) est le nombre de signalements attendus par cercle dans l'horizon choisi : un modèle de Poisson (GLM pénalisé) sur les signalements du cercle à plusieurs décalages (1, 3, 6, 12 mois), un historique pondéré (0,8 par mois sur 24 mois), la tendance, la gravité et les morts, **les signalements des cercles voisins** (contiguïté, libpysal), les élections nationales (table modifiable `data/mali_elections.csv`), la saison et la population. À chaque date t du test (tous les 91 jours), le modèle est réentraîné sur ce qui était connu avant t seulement, puis comparé aux signalements de (t, t + horizon] avec la **persistance** (les signalements des derniers jours de l'horizon), le **décompte pondéré** sur 12 mois et le score composite de chaque préréglage : corrélation de Spearman, nombre des 10 premiers cercles touchés, erreur absolue moyenne des nombres. Le modèle de gradient boosting (Poisson) a été comparé : il ne fait pas mieux sur ces données et ne s'explique pas ; le GLM est gardé.",
        "The forecast (the main hazard indicator) is the number of reports expected per cercle over the chosen horizon: a Poisson model (penalised GLM) on the cercle's reports at several lags (1, 3, 6, 12 months), a weighted history (0.8 per month over 24 months), the trend, severity and deaths, **the neighbouring cercles' reports** (contiguity, libpysal), national elections (editable table `data/mali_elections.csv`), the season and the population. At each test date t (every 91 days) the model is refitted on what was known before t only, then compared with the reports of (t, t + horizon] alongside **persistence** (the reports of the last horizon's days), the 12-month **decayed count** and the composite score of each preset: Spearman correlation, how many of the top 10 cercles had a report, mean absolute error of the counts. Gradient boosting (Poisson) was compared: it does no better on these data and cannot be explained; the GLM is kept."),
    'method.forecast_none': (
        "Pas assez d'historique pour évaluer la prévision (il faut plus de 12 mois de signalements avant la première date).",
        'Not enough history to evaluate the forecast (more than 12 months of reports are needed before the first date).'),
    'method.forecast_range': (
        '{n} dates trimestrielles du {first} au {last}, horizon {horizon} jours.',
        '{n} quarterly dates from {first} to {last}, {horizon}-day horizon.'),
    'method.forecast_beats': (
        'Sur les données chargées, la prévision fait mieux que la persistance : Spearman moyen {f} contre {p}, et autant ou plus de cercles touchés parmi les 10 premiers.',
        'On the loaded data the forecast beats persistence: mean Spearman {f} against {p}, and as many or more of its top 10 cercles had a report.'),
    'method.forecast_loses': (
        "Sur les données chargées, la prévision NE fait PAS mieux que la persistance (Spearman moyen {f} contre {p}, ou moins de cercles touchés parmi les 10 premiers) : ne la présentez pas comme une prévision fiable.",
        'On the loaded data the forecast does NOT beat persistence (mean Spearman {f} against {p}, or fewer of its top 10 cercles had a report): do not present it as a reliable forecast.'),
    'method.calibration': (
        'Calibration : signalements prévus et observés par décile de la prévision (toutes dates)',
        'Calibration: forecast and observed reports by decile of the forecast (all dates)'),
    'method.col.method': (
        'Méthode',
        'Method'),
    'method.col.top_hits': (
        'Top 10 touchés',
        'Top-10 hits'),
    'method.col.mae': (
        'Erreur absolue moyenne',
        'Mean absolute error'),
    'method.col.decile': (
        'Décile',
        'Decile'),
    'method.col.predicted': (
        'Prévus (moyenne)',
        'Forecast (mean)'),
    'method.col.observed': (
        'Observés (moyenne)',
        'Observed (mean)'),
    'method.series.forecast': (
        'Prévision',
        'Forecast'),
    'method.series.decayed': (
        'Décompte pondéré 12 mois',
        '12-month decayed count'),
    'method.series.score_preset': (
        'Score « {preset} »',
        'Score “{preset}”'),
    'method.backtest': (
        "Confrontation avec ce qui s'est passé",
        'Checked against what happened'),
    'method.backtest_none': (
        'Pas assez de signalements datés pour un back-test.',
        'Not enough dated reports for a back-test.'),
    'method.backtest_note': (
        'Avec les données de démonstration, ces chiffres ne disent rien du terrain : ils montrent le calcul. Les ex aequo au 10e rang sont comptés au prorata.',
        'With demonstration data these figures say nothing about the ground: they show the computation. Ties at rank 10 are counted pro rata.'),
    'method.backtest_running': (
        'Calcul du back-test…',
        'Computing the back-test…'),
    'method.backtest_text': (
        "Pour une série de dates t (tous les 91 jours), le score est calculé avec ce qui était connu à t (enregistrements et notes d'experts datés de t ou avant), puis son classement est comparé aux signalements de la période (t, t + horizon] : **corrélation de rang de Spearman** entre score et nombre de signalements, et **nombre des 10 premiers cercles qui ont eu au moins un signalement**. Référence : la **persistance**, qui classe les cercles par leurs seuls signalements de la dernière fenêtre. Un score qui ne fait pas mieux que la persistance n'ajoute rien à « là où il s'est passé quelque chose récemment ».",
        'For a series of dates t (every 91 days), the score is computed from what was known at t (records and expert ratings dated t or earlier), and its ranking is compared with the reports of (t, t + horizon]: **Spearman rank correlation** between score and number of reports, and **how many of the top-10 cercles had at least one report**. Baseline: **persistence**, which ranks cercles by their reports of the last window alone. A score that does no better than persistence adds nothing to “where something happened lately”.'),
    'method.backtest_view': (
        'Méthode : préréglage « {preset} » et réglages de la page Risque, fenêtre {window} jours.',
        "Method: “{preset}” preset and the Risk page's settings, {window}-day window."),
    'method.col.as_of': (
        'Date t',
        'Date t'),
    'method.col.cercles_with_reports': (
        'Cercles avec signalements',
        'Cercles with reports'),
    'method.col.definition': (
        'Définition',
        'Definition'),
    'method.col.dimension_weights': (
        'Poids des dimensions',
        'Dimension weights'),
    'method.col.polarity': (
        'Polarité',
        'Polarity'),
    'method.col.purpose': (
        'Usage',
        'Purpose'),
    'method.col.range': (
        'Score',
        'Score'),
    'method.col.spearman': (
        'Spearman',
        'Spearman'),
    'method.col.spearman_persistence': (
        'Spearman (persistance)',
        'Spearman (persistence)'),
    'method.col.spearman_score': (
        'Spearman (score)',
        'Spearman (score)'),
    'method.col.top_hits_persistence': (
        'Top 10 touchés (persistance)',
        'Top-10 hits (persistence)'),
    'method.col.top_hits_score': (
        'Top 10 touchés (score)',
        'Top-10 hits (score)'),
    'method.col.transform': (
        'Transformation',
        'Transform'),
    'method.col.weight': (
        'Poids par défaut',
        'Default weight'),
    'method.context_def': (
        "Note d'experts 0–10 par cercle, modifiable sur la page Risque (auteur et date conservés).",
        'Expert rating 0–10 per cercle, editable on the Risk page (author and date kept).'),
    'method.delta_help': (
        'Écart avec la persistance (positif : le score fait mieux).',
        'Difference from persistence (positive: the score does better).'),
    'method.horizon': (
        'Horizon (jours)',
        'Horizon (days)'),
    'method.indicators': (
        'Indicateurs',
        'Indicators'),
    'method.indicators_text': (
        "Trois dimensions : **tensions** (aléa), **contexte** (vulnérabilité, dont les facteurs notés par des experts) et **manque de capacité d'adaptation** (médiateurs, ateliers). Les comptes asymétriques sont transformés par log(1 + x). Polarité « − » : plus il y en a, moins il y a de risque.",
        'Three dimensions: **tensions** (hazard), **context** (vulnerability, including the expert-rated factors) and **lack of coping capacity** (mediators, workshops). Skewed counts are transformed with log(1 + x). Polarity “−”: the more there is, the less risk.'),
    'method.intro': (
        "Le score composite suit l'indice INFORM et le manuel OCDE/JRC des indicateurs composites : chaque score se décompose, sa méthode est publiée ici, sa robustesse est testée et il est confronté à ce qui s'est passé ensuite. Il aide à décider où regarder ; il ne remplace pas l'analyse des équipes.",
        "The composite score follows the INFORM Risk Index and the OECD/JRC Handbook on composite indicators: every score can be decomposed, its method is published here, its robustness is tested and it is checked against what happened next. It helps decide where to look; it does not replace the teams' analysis."),
    'method.mean_hits': (
        'Top 10 touchés (moyenne)',
        'Top-10 hits (mean)'),
    'method.mean_spearman': (
        'Spearman moyen du score',
        'Mean Spearman of the score'),
    'method.polarity.minus': (
        '(−) moins de risque',
        '(−) less risk'),
    'method.polarity.plus': (
        '(+) plus de risque',
        '(+) more risk'),
    'method.presets': (
        'Préréglages',
        'Presets'),
    'method.protection': (
        'Protection des médiateurs : ce que Veille publie',
        'Protecting mediators: what Veille publishes'),
    'method.protection_text': (
        "Les médiateurs peuvent être mis en danger s'ils sont exposés. Toute donnée publiée à leur sujet (écrans, CSV, GeoJSON, lignes de commande) passe par une seule règle, avec cette **garantie** :\n\n1. **Aucune position plus fine qu'une zone.** Sous le cercle, les médiateurs sont comptés par *zone de diffusion* : une commune d'au moins {area} km² (la surface d'un disque de {r2} km de rayon), ou des communes voisines du même cercle regroupées jusqu'à cette surface ({zones} zones ; seul le District de Bamako, une ville de 1,8 million d'habitants, est plus petit). Les coordonnées saisies d'un médiateur n'entrent dans aucun chiffre publié : pour toute distance, il est placé au point de sa zone. Déplacer un médiateur dans sa zone ne change donc aucun résultat, et aucune combinaison de chiffres (distances depuis plusieurs communes, plusieurs cartes ou dates) ne le situe plus finement que sa zone : la meilleure estimation possible tombe en moyenne à plus de {r} km de lui. Les distances sont publiées par classes ({bands}), y compris les moyennes et maximums par cercle.\n2. **Aucun effectif de 1 à {low}, même par soustraction.** Un tel effectif est masqué, par zone comme par cercle ; comme le total du cercle est publié, d'autres zones sont masquées aussi (*suppression secondaire*) jusqu'à ce que chaque zone masquée puisse valoir au moins {k} ; sinon le total du cercle est masqué à son tour. Toutes les cases masquées s'affichent de la même façon. Les totaux régionaux et nationaux ne sont publiés qu'arrondis à la dizaine.\n3. **Les chiffres dérivés suivent leur effectif** : les taux (pour 10 000 habitants, pour 1 000 km²) sont masqués avec lui, et le score de risque lit tout effectif masqué comme une même valeur ({half}), si bien qu'il ne permet pas de le retrouver.\n\nRestent visibles, à dessein : les zones qui ont au moins un médiateur (les écarts de couverture) et les effectifs d'au moins {k} par cercle. Les fiches des médiateurs (une ligne chacun) sont des données restreintes : elles ne s'exportent qu'en ligne de commande, sur demande explicite. Aucun nom, téléphone ou e-mail n'est jamais enregistré : les fichiers qui en contiennent sont refusés, et une cellule de texte libre qui en contient fait rejeter sa ligne.",
        "Mediators can be harmed if exposed. Every figure published about them (screens, CSV, GeoJSON, command lines) goes through one rule, with this **guarantee**:\n\n1. **No position finer than a zone.** Below the cercle, mediators are counted per *disclosure zone*: a commune of at least {area} km² (the area of a {r2} km-radius disc), or neighbouring communes of one cercle grouped up to that area ({zones} zones; only the District of Bamako, a city of 1.8 million people, is smaller). A mediator's recorded coordinates enter no published figure: for any distance, the mediator stands at the zone's point. Moving a mediator inside the zone therefore changes no result, and no combination of figures (distances from several communes, several maps or dates) places them more finely than the zone: the best possible guess lands on average more than {r} km away. Distances are published in bands ({bands}), cercle means and maxima included.\n2. **No count from 1 to {low}, not even by subtraction.** Such a count is hidden, per zone and per cercle; since the cercle's total is published, further zones are hidden too (*complementary suppression*) until every hidden zone could hold at least {k}; otherwise the cercle's total is hidden as well. Every hidden cell looks the same. Regional and national totals are only published rounded to ten.\n3. **Derived figures follow their count**: rates (per 10,000 people, per 1,000 km²) are hidden with it, and the risk score reads every hidden count as one same value ({half}), so it cannot be used to recover it.\n\nVisible by design: which zones have at least one mediator (the coverage gaps) and cercle counts of {k} or more. Mediators' records (one row each) are restricted data, exported only from the command line on explicit request. No name, phone number or e-mail is ever stored: files holding them are refused, and a free-text cell holding one gets its row rejected."),
    'method.robustness': (
        'Robustesse',
        'Robustness'),
    'method.robustness_text': (
        "L'analyse de sensibilité (page Risque) recalcule le score au moins 1 000 fois : chaque poids multiplié par un facteur tiré entre 0,5 et 1,5 (écart réglable), normalisation et agrégation (géométrique décalée, stricte, arithmétique) tirées au hasard. Chaque cercle reçoit son rang médian, son intervalle de rang à 90 % et la part des tirages où il est dans les 10 premiers ; les cercles qui y restent dans au moins 80 % des tirages sont listés. Les tirages sont faits avec une graine : même graine, même résultat.",
        'The sensitivity analysis (Risk page) recomputes the score at least 1,000 times: each weight multiplied by a factor drawn between 0.5 and 1.5 (adjustable spread), normalisation and aggregation (shifted geometric, strict, arithmetic) drawn at random. Each cercle gets its median rank, its 90% rank interval and the share of draws in which it is in the top 10; the cercles that stay there in at least 80% of draws are listed. Draws use a seed: same seed, same result.'),
    'method.series.persistence': (
        'Persistance',
        'Persistence'),
    'method.series.score': (
        'Score composite',
        'Composite score'),
    'method.steps': (
        'Calcul',
        'Computation'),
    'method.steps_text': (
        "1. **Normalisation** de chaque indicateur sur 0–10 entre les cercles : min-max par défaut, 10 (x − min) / (max − min) ; ou par rangs, 10 (rang − 1) / (n − 1) ; ou score z borné à ±3 écarts-types. Un indicateur constant vaut 0 partout.\n2. **Polarité** : une capacité d'adaptation compte par son manque, 10 − x.\n3. **Dimension** = moyenne pondérée de ses indicateurs disponibles (poids renormalisés sur ceux qui ont une valeur).\n4. **Score** = moyenne géométrique pondérée des dimensions, pour qu'une dimension forte ne compense pas une faible. Par défaut décalée de 1, exp(Σ a ln(d + 1) / Σ a) − 1 : une dimension nulle (le plus souvent : aucun signalement dans la fenêtre) tire le score vers le bas sans l'annuler, si bien qu'un cercle calme mais fragile et sans médiateur garde un score. En option : la moyenne géométrique stricte d'INFORM (une dimension nulle annule le score) ou la moyenne arithmétique.\n5. **Données manquantes** : jamais lues comme un risque nul. Un cercle sans aucune valeur est « pas de donnée » ; chaque cercle porte sa **complétude**, la part de ses indicateurs qui ont une valeur.\n6. **Cinq classes** à seuils fixes :",
        "1. **Normalisation** of each indicator to 0–10 across the cercles: min-max by default, 10 (x − min) / (max − min); or rank, 10 (rank − 1) / (n − 1); or z-score clipped at ±3 standard deviations. A constant indicator is 0 everywhere.\n2. **Polarity**: a coping capacity counts by its lack, 10 − x.\n3. **Dimension** = weighted mean of its available indicators (weights renormalised over those with a value).\n4. **Score** = weighted geometric mean of the dimensions, so that a strong dimension does not make up for a weak one. By default shifted by 1, exp(Σ a ln(d + 1) / Σ a) − 1: a zero dimension (most often: no report in the window) pulls the score down without zeroing it, so a quiet but fragile cercle without mediators keeps a score. Options: INFORM's strict geometric mean (a zero dimension makes the score zero) or the arithmetic mean.\n5. **Missing data** is never read as zero risk. A cercle without any value is “no data”; every cercle carries its **completeness**, the share of its indicators with a value.\n6. **Five classes** with fixed thresholds:"),
    'method.title': (
        'Méthodologie du score de risque',
        'Risk score methodology'),
    'method.transform.log1p': (
        'log(1 + x)',
        'log(1 + x)'),
    'method.transform.none': (
        'aucune',
        'none'),
    'method.wins': (
        'Dates où le score bat la persistance',
        'Dates where the score beats persistence'),
}
