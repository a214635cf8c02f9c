"""Translations of the Coverage page, gaps and disclosure: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'coverage.all_communes_covered': (
        'Chaque commune a au moins un médiateur actif.',
        'Every commune has at least one active mediator.'),
    'coverage.col.communes_without': (
        'Communes sans médiateur',
        'Communes without a mediator'),
    'coverage.col.gap_class': (
        'Écart',
        'Gap'),
    'coverage.col.gap_rank': (
        'Rang',
        'Rank'),
    'coverage.col.groups': (
        "Groupes d'acteurs atteints",
        'Stakeholder groups reached'),
    'coverage.col.months': (
        'Mois depuis le dernier',
        'Months since the last'),
    'coverage.col.participants': (
        'Participants',
        'Participants'),
    'coverage.col.participants_10k': (
        'Pour 10 000 hab.',
        'Per 10,000 people'),
    'coverage.col.population_without': (
        'Leur population (estimée)',
        'Their population (estimated)'),
    'coverage.col.women': (
        'Femmes (%)',
        'Women (%)'),
    'coverage.col.youth': (
        'Jeunes (%)',
        'Young people (%)'),
    'coverage.commune_map_note': (
        "Médiateurs situés par zone (communes regroupées jusqu'à la surface d'un disque de {km} km de rayon) : une zone dit seulement si elle a un médiateur, son effectif est « masqué » ; distances mesurées jusqu'au point de la zone et données par classes. Cliquer une commune sélectionne son cercle.",
        "Mediators placed by zone (communes grouped up to the area of a {km} km-radius disc): a zone only says whether it has a mediator, its count is “hidden”; distances measured to the zone's point and given in bands. Clicking a commune selects its cercle."),
    'coverage.communes_line': (
        '**Communes sans médiateur :** {without} sur {total} (≈ {pop} hab., estimation)',
        '**Communes without a mediator:** {without} of {total} (≈ {pop} people, estimate)'),
    'coverage.communes_without': (
        '{cercle} : communes sans médiateur ({n})',
        '{cercle}: communes without a mediator ({n})'),
    'coverage.distance_km': (
        'Distance au médiateur (classe)',
        'Distance to a mediator (band)'),
    'coverage.download_communes': (
        'Communes (CSV, effectifs protégés)',
        'Communes (CSV, counts protected)'),
    'coverage.download_note': (
        'Les fichiers indiquent la mesure, les seuils, la date du score et le préréglage ; effectifs de 1 à {low} (et ceux qui permettraient de les retrouver) masqués, distances par classes ; le fichier des communes dit si la zone de chaque commune a un médiateur (pas combien).',
        "The files state the measure, thresholds, score date and preset; counts from 1 to {low} (and those that would give them away) hidden, distances in bands; the communes file says whether each commune's zone has a mediator (not how many)."),
    'coverage.gap_line': (
        'Écart : **{cls}** (score de risque {score})',
        'Gap: **{cls}** (risk score {score})'),
    'coverage.intro': (
        "Risque au {as_of} (préréglage « {preset} » de la page Risque) ; médiateurs publiés au {release} (par trimestre). Les médiateurs ne sont jamais placés sur une carte ; sous le cercle on voit seulement quelles zones en ont, et tout effectif de 1 à {low} (ou qui permettrait d'en retrouver un, même en comparant deux dates) est « masqué » (voir Méthodologie). La population des communes est estimée (population du cercle répartie au prorata de la superficie).",
        "Risk as of {as_of} (the Risk page's “{preset}” preset); mediators as released on {release} (by quarter). Mediators are never placed on a map; below the cercle only which zones have one is shown, and any count from 1 to {low} (or one that would give it away, even by comparing two dates) is “hidden” (see Methodology). Commune populations are estimates (the cercle's population shared by area)."),
    'coverage.map': (
        'Carte',
        'Map'),
    'coverage.mean_distance': (
        'Distance moyenne (classe)',
        'Mean distance (band)'),
    'coverage.measure': (
        'Couverture mesurée par',
        'Coverage measured by'),
    'coverage.measure.mean_distance_km': (
        'distance moyenne au médiateur (km)',
        'mean distance to a mediator (km)'),
    'coverage.measure.mediators_per_10k': (
        'médiateurs pour 10 000 hab.',
        'mediators per 10,000 people'),
    'coverage.medians': (
        'Seuils par défaut',
        'Default thresholds'),
    'coverage.mediators_active': (
        'Médiateurs actifs',
        'Active mediators'),
    'coverage.no_gaps': (
        'Aucun écart ne peut être classé : il faut un score de risque et une mesure de couverture (la distance demande au moins un médiateur actif enregistré).',
        'No gap can be classified: it takes a risk score and a coverage measure (the distance needs at least one active mediator on record).'),
    'coverage.no_workshop': (
        '**Ateliers :** aucun atelier tenu dans le cercle ({months} mois depuis le début du programme).',
        '**Workshops:** none held in the cercle ({months} months since the programme began).'),
    'coverage.per_1000km2': (
        'Pour 1 000 km²',
        'Per 1,000 km²'),
    'coverage.per_10k': (
        'Pour 10 000 hab.',
        'Per 10,000 people'),
    'coverage.pick_hint': (
        "Cliquez un cercle (ou une commune) ou choisissez-le dans la liste : ses chiffres de couverture et ses communes sans médiateur s'affichent ici.",
        'Click a cercle (or a commune) or pick it in the list: its coverage figures and its communes without a mediator show here.'),
    'coverage.population_est': (
        'Population (estimée)',
        'Population (estimated)'),
    'coverage.ranked': (
        'Écarts classés',
        'Ranked gaps'),
    'coverage.risk_level': (
        'Risque retenu pour un écart',
        'Risk that counts for a gap'),
    'coverage.risk_level.high': (
        'élevé et plus (score ≥ 5)',
        'high and above (score ≥ 5)'),
    'coverage.risk_level.median': (
        'au-dessus de la médiane nationale',
        'above the national median'),
    'coverage.risk_level.medium': (
        'moyen et plus (score ≥ 3,5)',
        'medium and above (score ≥ 3.5)'),
    'coverage.risk_level.very_high': (
        'très élevé (score ≥ 6,5)',
        'very high (score ≥ 6.5)'),
    'coverage.risk_level_help': (
        'Les classes de la page Risque : « élevé et plus » par défaut. Un cercle sans médiateur actif est toujours en couverture faible.',
        'The Risk page\'s classes: "high and above" by default. A cercle without an active mediator is always thin coverage.'),
    'coverage.risk_threshold': (
        'Risque élevé à partir du score',
        'High risk from score'),
    'coverage.thin.mediators_per_10k': ('moins de {cover} {cover:médiateur|médiateurs} pour 10 000 hab.',
                                        'fewer than {cover} mediators per 10,000 people'),
    'coverage.thin.mean_distance_km': ('distance moyenne au médiateur de plus de {cover} km',
                                       'mean distance to a mediator over {cover} km'),
    'coverage.rule': (
        "Risque retenu : {level} (score ≥ {risk}) ; couverture faible : {thin}, ou aucun médiateur actif. **{n} {n:cercle|cercles} en écart prioritaire.**",
        'Risk that counts: {level} (score ≥ {risk}); thin coverage: {thin}, or no active mediator. **{n} {n:cercle is a priority gap|cercles are priority gaps}.**'),
    'coverage.threshold.mean_distance_km': (
        'Couverture faible au-delà de (km)',
        'Thin coverage beyond (km)'),
    'coverage.threshold.mediators_per_10k': (
        'Couverture faible sous (médiateurs / 10 000 hab.)',
        'Thin coverage below (mediators / 10,000 people)'),
    'coverage.threshold_help': (
        'Par défaut : la médiane nationale. Déplacez le seuil pour resserrer ou élargir les écarts ; un cercle sans médiateur actif reste en couverture faible.',
        'Default: the national median. Move the threshold to narrow or widen the gaps; a cercle without an active mediator stays thin coverage.'),
    'coverage.title': (
        'Couverture en médiateurs et écarts',
        'Mediator coverage and gaps'),
    'coverage.workshops': (
        'Couverture des ateliers',
        'Workshop coverage'),
    'coverage.workshops_line': (
        "**Ateliers :** {participants} participants ({per10k} pour 10 000 hab.), femmes {women} %, jeunes {youth} %, {months} mois depuis le dernier, {groups} groupes d'acteurs sur 7",
        '**Workshops:** {participants} participants ({per10k} per 10,000 people), women {women}%, young people {youth}%, {months} months since the last, {groups} stakeholder groups of 7'),
    'disclosure.hidden': (
        'masqué',
        'hidden'),
    'gap.adequate': (
        'Adéquat : risque {low}, couvert',
        'Adequate: {low} risk, covered'),
    'gap.high.high': (
        'élevé ou très élevé',
        'high or very high'),
    'gap.high.median': (
        'au-dessus de la médiane nationale',
        'above the national median'),
    'gap.high.medium': (
        'moyen ou plus',
        'medium or higher'),
    'gap.high.score': (
        'au-dessus du seuil',
        'above the threshold'),
    'gap.high.very_high': (
        'très élevé',
        'very high'),
    'gap.low.high': (
        'moyen ou moins',
        'medium or lower'),
    'gap.low.median': (
        'sous la médiane nationale',
        'below the national median'),
    'gap.low.medium': (
        'faible ou très faible',
        'low or very low'),
    'gap.low.score': (
        'sous le seuil',
        'below the threshold'),
    'gap.low.very_high': (
        'élevé ou moins',
        'high or lower'),
    'gap.priority': (
        'Priorité : risque {high}, couverture faible',
        'Priority: {high} risk, thin coverage'),
    'gap.reinforce': (
        'À renforcer : risque {low}, couverture faible',
        'Reinforce: {low} risk, thin coverage'),
    'gap.watch': (
        'À surveiller : risque {high}, couvert',
        'Watch: {high} risk, covered'),
}
