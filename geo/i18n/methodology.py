"""Translations of the Methodology page: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'method.summary': (
        'En bref',
        'In brief'),
    'method.summary_score': (
        "**Ce que veut dire un score de 6.** Le score (0–10) compare les cercles entre eux, à la date et avec les réglages choisis : 6 tombe dans la classe « {cls} » ({lo} à {hi}). Il veut dire que ce cercle cumule, plus que la plupart des autres, des tensions récentes ou attendues, un contexte fragile (population, densité, avis d'experts) et peu de médiateurs ou d'ateliers récents. Ce n'est ni une probabilité de violence ni un nombre d'incidents : 6 n'est pas « deux fois plus de risque » que 3. Un cercle que le réseau n'observe pas et où rien n'a été signalé est classé « peu observé », pas « très faible ».",
        "**What a score of 6 means.** The score (0–10) compares the cercles with each other, at the chosen date and settings: 6 falls in the “{cls}” class ({lo} to {hi}). It means that this cercle combines, more than most others, recent or expected tensions, a fragile context (population, density, expert ratings) and few mediators or recent workshops. It is neither a probability of violence nor a number of incidents: 6 is not “twice the risk” of 3. A cercle the network does not watch and where nothing was reported is classed “under-observed”, not “very low”."),
    'method.summary_forecast_beats': (
        "**Jusqu'où croire la prévision.** Sur les données chargées, elle fait mieux que le passé récent (le nombre récent pondéré) : déviance moyenne {model} contre {decayed} ({pct} % de moins), meilleure à {wins} des {n} dates testées, et jamais plus de {worst} fois l'erreur du passé récent à une date (garde-fou : 3). Son intervalle à 80 % a contenu {coverage} % des résultats. Elle reste une estimation : sur {horizon} jours, le nombre observé d'un cercle s'écarte souvent de la prévision d'autant que la prévision elle-même — lisez l'intervalle, pas seulement le nombre.",
        "**How far to trust the forecast.** On the loaded data it does better than the recent past (the decayed recent count): mean deviance {model} against {decayed} ({pct} % less), better at {wins} of the {n} dates tested, and never more than {worst} times the recent past's error at one date (guard: 3). Its 80 % interval held {coverage} % of the outcomes. It remains an estimate: over {horizon} days a cercle's observed number often differs from the forecast by as much as the forecast itself — read the interval, not only the number."),
    'method.summary_forecast_loses': (
        "**Jusqu'où croire la prévision.** Sur les données chargées, elle NE fait PAS mieux que le passé récent (le nombre récent pondéré) : déviance moyenne {model} contre {decayed}, meilleure à {wins} des {n} dates testées seulement ; pire erreur à une date : {worst} fois celle du passé récent (garde-fou : 3). Son intervalle à 80 % a contenu {coverage} % des résultats. Ne la présentez pas comme une prévision fiable : le nombre récent de signalements en dit autant.",
        "**How far to trust the forecast.** On the loaded data it does NOT do better than the recent past (the decayed recent count): mean deviance {model} against {decayed}, better at only {wins} of the {n} dates tested; worst error at one date: {worst} times the recent past's (guard: 3). Its 80 % interval held {coverage} % of the outcomes. Do not present it as a reliable forecast: the recent number of reports says as much."),
    'method.summary_score_figures': (
        "**Le score face à ce qui s'est passé.** Aux mêmes dates, parmi les cercles qui ont eu des signalements dans les {horizon} jours suivants, le score (préréglage « {preset} ») les a classés avec une corrélation de Spearman moyenne de {score} ; la seule persistance (les signalements de la dernière fenêtre), {persistence} ; la prévision, {forecast}. Parmi ses 10 premiers cercles, {hits} en moyenne ont eu un signalement (persistance : {hits_persistence}). Le score mêle au danger la vulnérabilité et le manque de médiateurs : il dit où regarder, il ne cherche pas seulement à prédire les signalements.",
        "**The score against what happened.** At the same dates, among the cercles that had reports in the next {horizon} days, the score (“{preset}” preset) ranked them with a mean Spearman correlation of {score}; persistence alone (the last window's reports), {persistence}; the forecast, {forecast}. Of its top 10 cercles, {hits} on average had a report (persistence: {hits_persistence}). The score mixes vulnerability and the lack of mediators with the hazard: it says where to look, it does not only try to predict reports."),
    'method.summary_data_demo': (
        "**Sur quelles données.** Données de démonstration, fictives (une histoire aussi difficile à prévoir que des données réelles) : ces chiffres montrent le calcul, ils ne disent rien du terrain.",
        '**On which data.** Demonstration data, fictitious (a history as hard to forecast as real data): these figures show the computation, they say nothing about the ground.'),
    'method.summary_data': (
        "**Sur quelles données.** {n} signalements importés, du {first} au {last} (sources : {sources}). Les chiffres valent pour ces données et ces dates.",
        '**On which data.** {n} imported reports, from {first} to {last} (sources: {sources}). The figures hold for these data and dates.'),
    'method.summary_credits': (
        'Événements : {credits}',
        'Events: {credits}'),
    'method.observation_text': (
        "**Qui observe.** Les signalements du réseau de la division (médiateurs, formulaires KoboToolbox et ODK, SMS) dépendent de son effort : un cercle avec plus de médiateurs en envoie plus à tension égale. Chacun compte donc 1 / (part des communes du cercle où un médiateur actif observe, ce jour-là), au plus {cap} : le danger et la prévision sont lus « à observation complète », et ajouter des médiateurs ne fait pas à lui seul monter le score. Les sources extérieures (ACLED, UCDP, médias, partenaires) comptent 1. Un cercle sans commune observée est **peu observé** (hachuré sur les cartes) ; s'il n'a aucun signalement, sa classe est « peu observé », pas « très faible ».\n\n**Retards.** Les signalements arrivent après les faits : le {percentile}e centile du délai (date de signalement − date des faits) sur la dernière année borne la période **provisoire** avant la date de référence, signalée sur les cartes et dans le brief. La prévision et le back-test ne lisent à chaque date que ce qui avait été signalé à cette date.",
        "**Who observes.** The reports of the division's network (mediators, KoboToolbox and ODK forms, SMS) depend on its effort: a cercle with more mediators sends more at equal tension. Each therefore counts 1 / (share of the cercle's communes an active mediator watches, that day), at most {cap}: the hazard and the forecast are read “at full observation”, and adding mediators does not by itself raise the score. External sources (ACLED, UCDP, media, partners) count 1. A cercle with no watched commune is **under-observed** (hatched on the maps); without any report its class is “under-observed”, not “very low”.\n\n**Delays.** Reports arrive after the fact: the {percentile}th percentile of the delay (report date − event date) over the last year bounds the **provisional** period before the as-of date, flagged on the maps and in the brief. The forecast and the back-test read at each date only what had been reported by that date."),
    'method.backtest_text': (
        "Aux dates de l'évaluation de la prévision ci-dessous (tous les 91 jours, à partir d'un an d'historique), le score est calculé avec ce qui était connu à t (signalements faits et signalés à t, notes d'experts datées de t ou avant), puis son classement est comparé aux signalements de (t, t + horizon] — le même résultat que pour la prévision : **corrélation de rang de Spearman parmi les cercles qui ont eu un signalement** (les ex aequo à zéro des cercles calmes récompenseraient n'importe quel classement) et **nombre des 10 premiers cercles qui ont eu au moins un signalement**. Référence : la **persistance**, qui classe les cercles par leurs seuls signalements de la dernière fenêtre. Un seul jeu de chiffres pour le score : celui-ci.",
        "At the dates of the forecast's evaluation below (every 91 days, from one year of history), the score is computed from what was known at t (reports that happened and were reported by t, expert ratings dated t or earlier), and its ranking is compared with the reports of (t, t + horizon] — the forecast's own outcome: **Spearman rank correlation among the cercles that had a report** (the ties at zero of quiet cercles would reward any ranking) and **how many of the top-10 cercles had at least one report**. Baseline: **persistence**, which ranks cercles by their reports of the last window alone. One set of figures for the score: this one."),
    'method.mean_spearman': (
        'Spearman moyen du score',
        'Mean Spearman of the score'),
    'method.mean_hits': (
        'Top 10 touchés (moyenne)',
        'Top-10 hits (mean)'),
    'method.wins': (
        'Dates où le score bat la persistance',
        'Dates where the score beats persistence'),
    'method.col.spearman': (
        'Spearman (cercles touchés)',
        'Spearman (cercles with reports)'),
    'method.forecast_text': (
        "La prévision (l'indicateur principal du danger) donne, par cercle, la loi du nombre de signalements des 90 jours suivants (30 ou 180 au choix) : une moyenne, un intervalle à 80 %, la probabilité d'au moins un signalement et d'au moins un grave. **Ancre** : le nombre récent pondéré (décroissance mensuelle choisie sur les origines passées), rapproché, quand il est petit, de la mémoire lente du cercle (et de ses voisins) ; **correction** (récents mois, voisins, niveau national), bornée à ×3 et ÷3, gardée seulement si elle a fait mieux que l'ancre sur les 12 dernières origines d'entraînement, hors échantillon ; **incertitude** : loi binomiale négative dont la dispersion est estimée sur le passé. Elle remplace le modèle de Poisson (GLM) d'avant : ajusté sur tout l'historique et peu d'origines, il s'emballait après les changements de régime que montrent les données réelles.\n\nÉvaluation comme dans le domaine (ViEWS) : à chaque date t (tous les 91 jours, après un an d'historique), chaque méthode prévoit les signalements de (t, t + horizon] avec ce qui était signalé à t seulement, puis est notée par des **scores propres** — déviance de Poisson (l'erreur de la moyenne), score logarithmique et CRPS (toute la loi), plus bas = mieux — l'**AUC** d'« au moins un signalement », la **couverture** de l'intervalle, et, parmi les cercles touchés, le **Spearman** et les **10 premiers**. Références : zéro, persistance, nombre récent pondéré (0,8 par mois sur 24 mois), moyenne des 12 derniers mois, même période l'an passé.",
        "The forecast (the main hazard indicator) gives, per cercle, the distribution of the number of reports in the next 90 days (30 or 180 to choose): a mean, an 80 % interval, the chance of at least one report and of at least one severe. **Anchor**: the decayed recent count (monthly decay chosen on past origins), pulled, when small, towards the cercle's slow memory (and its neighbours'); **correction** (recent months, neighbours, national level), bounded to ×3 and ÷3, kept only if it did better than the anchor on the last 12 training origins, out of sample; **uncertainty**: a negative binomial whose dispersion is estimated on the past. It replaces the former Poisson model (GLM): fitted on all history and few origins, it blew up after the regime shifts real data show.\n\nEvaluated as the field does (ViEWS): at each date t (every 91 days, after one year of history), each method forecasts the reports of (t, t + horizon] from what had been reported by t only, and is scored by **proper scores** — Poisson deviance (the mean's error), log score and CRPS (the whole distribution), lower = better — the **AUC** of “at least one report”, the **coverage** of the interval, and, among the cercles with reports, the **Spearman** and the **top 10**. Baselines: zero, persistence, the decayed recent count (0.8 a month over 24 months), the mean of the last 12 months, the same period last year."),
    'method.forecast_none': (
        "Pas assez d'historique pour évaluer la prévision (il faut plus d'un an de signalements avant la première date).",
        'Not enough history to evaluate the forecast (more than a year of reports is needed before the first date).'),
    'method.forecast_used': (
        "Modèle utilisé : ancre corrigée à {corrected} des {n} dates, ancre seule à {anchor} (la correction n'est gardée que si elle a fait mieux hors échantillon).",
        'Model used: corrected anchor at {corrected} of the {n} dates, anchor only at {anchor} (the correction is kept only when it did better out of sample).'),
    'method.col.deviance': (
        'Déviance',
        'Deviance'),
    'method.col.log_score': (
        'Score log',
        'Log score'),
    'method.col.crps': (
        'CRPS',
        'CRPS'),
    'method.col.auc': (
        'AUC (au moins un)',
        'AUC (at least one)'),
    'method.col.spearman_active': (
        'Spearman (cercles touchés)',
        'Spearman (cercles with reports)'),
    'method.col.wins': (
        'Dates meilleures que le nombre récent',
        'Dates better than the recent count'),
    'method.col.deviance_origin': (
        'Déviance moyenne (plus bas = mieux)',
        'Mean deviance (lower = better)'),
    'method.col.coverage': (
        "Part des résultats dans l'intervalle",
        'Share of outcomes in the interval'),
    'method.baselines_note': (
        "Moyennes sur les dates. Déviance, score log et CRPS : plus bas = mieux ; une référence ponctuelle est lue comme une loi de Poisson de moyenne au moins {floor} (zéro prédit partout donne une déviance infinie dès qu'un signalement arrive, affichée ∞).",
        'Means over the dates. Deviance, log score and CRPS: lower = better; a point baseline is read as a Poisson distribution of mean at least {floor} (zero everywhere gives an infinite deviance as soon as a report comes, shown ∞).'),
    'method.guard_ok': (
        "Garde-fou tenu : à aucune date l'erreur de la prévision n'a dépassé {limit} fois celle du nombre récent pondéré (pire : {worst} fois).",
        "Guard held: at no date did the forecast's error exceed {limit} times the decayed recent count's (worst: {worst} times)."),
    'method.guard_broken': (
        "Garde-fou dépassé : à une date au moins, l'erreur de la prévision a dépassé {limit} fois celle du nombre récent pondéré (pire : {worst} fois).",
        "Guard broken: at one date at least, the forecast's error exceeded {limit} times the decayed recent count's (worst: {worst} times)."),
    'method.calibration': (
        'Calibration par décile de la prévision',
        'Calibration by decile of the forecast'),
    'method.coverage': (
        "Couverture de l'intervalle à 80 %",
        'Coverage of the 80 % interval'),
    'method.coverage.all': (
        'toutes les cases cercle × date',
        'every cercle × date'),
    'method.coverage.with': (
        'cases avec signalement',
        'with a report'),
    'method.coverage.without': (
        'cases sans signalement',
        'without a report'),
    'method.coverage.promised': (
        'promis par les intervalles',
        'promised by the intervals'),
    'method.coverage_note': (
        "L'intervalle à 80 % a contenu {coverage} % des résultats (les intervalles en promettaient {nominal} %, trait rouge) : {with_reports} % des cases où un signalement est venu, {without} % des autres. Sur la diagonale pointillée, une prévision parfaitement calibrée.",
        'The 80 % interval held {coverage} % of the outcomes (the intervals promised {nominal} %, red line): {with_reports} % of the cells where a report came, {without} % of the others. On the dotted diagonal, a perfectly calibrated forecast.'),
    'method.series.model': (
        'Prévision',
        'Forecast'),
    'method.series.zero': (
        'Zéro',
        'Zero'),
    'method.series.decayed': (
        'Nombre récent pondéré',
        'Decayed recent count'),
    'method.series.mean12': (
        'Moyenne des 12 derniers mois',
        'Mean of the last 12 months'),
    'method.series.last_year': (
        "Même période l'an passé",
        'Same period last year'),
    'method.forecast': (
        'Prévision des signalements : évaluation hors échantillon',
        'Forecast of reports: out-of-sample evaluation'),
    'method.forecast_range': (
        '{n} dates trimestrielles du {first} au {last}, horizon {horizon} jours.',
        '{n} quarterly dates from {first} to {last}, {horizon}-day horizon.'),
    'method.col.method': (
        'Méthode',
        'Method'),
    'method.col.top_hits': (
        'Top 10 touchés',
        'Top-10 hits'),
    'method.col.decile': (
        'Décile',
        'Decile'),
    'method.col.predicted': (
        'Prévus (moyenne)',
        'Forecast (mean)'),
    'method.col.observed': (
        'Observés (moyenne)',
        'Observed (mean)'),
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
        'Parmi les cercles qui ont eu un signalement. Écart avec la persistance : positif, le score fait mieux.',
        'Among the cercles that had a report. Difference from persistence: positive, the score does better.'),
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
        "Les médiateurs peuvent être mis en danger s'ils sont exposés. Toute donnée publiée à leur sujet (écrans, CSV, GeoJSON, lignes de commande) passe par une seule règle, avec cette **garantie** :\n\n1. **Aucune position plus fine qu'une zone.** Sous le cercle, les médiateurs sont situés par *zone de diffusion* : une commune d'au moins {area} km² (la surface d'un disque de {r2} km de rayon), ou des communes voisines du même cercle regroupées jusqu'à cette surface ({zones} zones ; seul le District de Bamako, une ville de 1,8 million d'habitants, est plus petit). Les coordonnées saisies d'un médiateur n'entrent dans aucun chiffre publié : pour toute distance, il est placé au point de sa zone. Déplacer un médiateur dans sa zone ne change donc aucun résultat, et aucune combinaison de chiffres (distances depuis plusieurs communes, plusieurs cartes ou dates) ne le situe plus finement que sa zone : la meilleure estimation possible tombe en moyenne à plus de {r} km de lui. Les distances sont publiées par classes ({bands}), y compris les moyennes et maximums par cercle. Il en va de même des **signalements du réseau** (médiateurs, SMS) : ils sont publiés au plus finement à leur zone (leur commune si elle forme une zone à elle seule, sinon leur cercle) et sous une seule source, « Réseau (médiateurs, SMS) », pour que ni leur point ni leur source ne désignent un médiateur qui signale depuis chez lui.\n2. **Aucun effectif de 1 à {low}, même par soustraction.** Une zone ne montre jamais son effectif, seulement si elle a un médiateur. Le total d'un cercle est masqué s'il vaut de 1 à {low}, ou si ses zones pourvues (chacune en a au moins un) permettraient d'en déduire une de moins de {k}. Toutes les cases masquées s'affichent de la même façon. Les totaux régionaux et nationaux ne sont publiés qu'arrondis à la dizaine.\n3. **Aucun écart de 1 à {low} entre deux dates.** On peut choisir n'importe quelle date de référence, donc comparer deux dates. Les chiffres des médiateurs sont donc **publiés par trimestre** : une vue montre les médiateurs d'un cercle au dernier 31 mars, 30 juin, 30 septembre ou 31 décembre qui précède sa date, et un cercle ne passe à un trimestre plus récent qu'une fois son total accru d'au moins {k} (plus un par zone nouvellement pourvue au-delà de la première). Entre deux vues, le total d'un cercle est identique ou diffère d'au moins {k}, et une zone nouvellement pourvue peut en avoir reçu {k} ou plus : aucune comparaison de dates ou de fenêtres ne révèle un petit nombre de médiateurs formés. En contrepartie, un cercle peut montrer jusqu'à quelques médiateurs de moins qu'il n'en a, le temps que d'autres soient formés ; la fenêtre d'observation n'entre pas dans ces chiffres.\n4. **Les chiffres dérivés suivent leur effectif** : les taux (pour 10 000 habitants, pour 1 000 km²) sont masqués avec lui, et le score de risque lit tout effectif masqué comme une même valeur ({half}), si bien qu'il ne permet pas de le retrouver.\n\nRestent visibles, à dessein : les zones qui ont au moins un médiateur (les écarts de couverture) et les effectifs d'au moins {k} par cercle. Les fiches des médiateurs (une ligne chacun) et les signalements du réseau tels qu'enregistrés sont des données restreintes : elles ne s'exportent qu'en ligne de commande, sur demande explicite. Aucun nom, téléphone ou e-mail n'est jamais enregistré : les fichiers qui en contiennent sont refusés, et une cellule de texte libre qui en contient fait rejeter sa ligne.",
        "Mediators can be harmed if exposed. Every figure published about them (screens, CSV, GeoJSON, command lines) goes through one rule, with this **guarantee**:\n\n1. **No position finer than a zone.** Below the cercle, mediators are placed by *disclosure zone*: a commune of at least {area} km² (the area of a {r2} km-radius disc), or neighbouring communes of one cercle grouped up to that area ({zones} zones; only the District of Bamako, a city of 1.8 million people, is smaller). A mediator's recorded coordinates enter no published figure: for any distance, the mediator stands at the zone's point. Moving a mediator inside the zone therefore changes no result, and no combination of figures (distances from several communes, several maps or dates) places them more finely than the zone: the best possible guess lands on average more than {r} km away. Distances are published in bands ({bands}), cercle means and maxima included. The same goes for the **network's reports** (mediators, SMS): they are published no finer than their zone (their commune where it is a zone by itself, else their cercle) and under one source, \u201cNetwork (mediators, SMS)\u201d, so that neither their point nor their source singles out a mediator reporting from home.\n2. **No count from 1 to {low}, not even by subtraction.** A zone never shows its count, only whether it has a mediator. A cercle's total is hidden when it is 1 to {low}, or when its zones with a mediator (each has at least one) would let one of them be pinned below {k}. Every hidden cell looks the same. Regional and national totals are only published rounded to ten.\n3. **No difference from 1 to {low} between two dates.** Any as-of date can be chosen, so any two can be compared. Mediator figures are therefore **released by quarter**: a view shows a cercle's mediators as of the last 31 March, 30 June, 30 September or 31 December before its date, and a cercle moves on to a later quarter only once its total has grown by at least {k} (plus one per zone newly covered beyond the first). Between two views a cercle's total is the same or differs by at least {k}, and a newly covered zone may have received {k} or more: no comparison of dates or windows reveals a small number of mediators trained. The price: a cercle may show a few mediators fewer than it has, until more are trained; the look-back window does not enter these figures.\n4. **Derived figures follow their count**: rates (per 10,000 people, per 1,000 km²) are hidden with it, and the risk score reads every hidden count as one same value ({half}), so it cannot be used to recover it.\n\nVisible by design: which zones have at least one mediator (the coverage gaps) and cercle counts of {k} or more. Mediators' records (one row each) and the network's reports as stored are restricted data, exported only from the command line on explicit request. No name, phone number or e-mail is ever stored: files holding them are refused, and a free-text cell holding one gets its row rejected."),
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
}
