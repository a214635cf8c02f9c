"""Translations of the command line (``python -m geo``): key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    # argparse's own words
    'cli.usage': ('usage : ', 'usage: '),
    'cli.positionals': ('arguments', 'arguments'),
    'cli.options': ('options', 'options'),
    'cli.commands': ('commandes', 'commands'),
    'cli.error': ('erreur : {detail}', 'error: {detail}'),
    # argparse's error messages (geo.cli.ARGPARSE_ERRORS reads them in English)
    'cli.argparse.required': ("arguments obligatoires manquants : {args}",
                              'the following arguments are required: {args}'),
    'cli.argparse.unrecognized': ("arguments non reconnus : {args}",
                                  'unrecognized arguments: {args}'),
    'cli.argparse.argument': ("argument {arg} : {detail}", 'argument {arg}: {detail}'),
    'cli.argparse.choice': ("choix invalide : {value} (possibles : {choices})",
                            'invalid choice: {value} (choose from {choices})'),
    'cli.argparse.value': ("valeur invalide ({type}) : {value}", 'invalid {type} value: {value}'),
    'cli.argparse.one': ("une valeur attendue", 'expected one argument'),
    'cli.argparse.at_least_one': ("au moins une valeur attendue", 'expected at least one argument'),
    'cli.argparse.at_most_one': ("au plus une valeur attendue", 'expected at most one argument'),
    'cli.argparse.ambiguous': ("option ambiguë : {option} peut désigner {matches}",
                               'ambiguous option: {option} could match {matches}'),
    'cli.argparse.not_with': ("impossible avec l'argument {arg}", 'not allowed with argument {arg}'),
    'cli.argparse.one_of': ("l'un des arguments {args} est obligatoire",
                            'one of the arguments {args} is required'),
    'cli.description': (
        "Veille en ligne de commande : importer, exporter, calculer le risque, la couverture "
        "et la prévision, planifier, surveiller, préparer le brief. « python -m geo "
        "COMMANDE -h » décrit chaque commande.",
        "Veille on the command line: import, export, compute the risk, the coverage and the "
        "forecast, plan, monitor, prepare the brief. 'python -m geo COMMAND -h' describes "
        "each command."),
    # shared options
    'cli.opt.help': ("afficher cette aide et quitter", 'show this help and exit'),
    'cli.opt.lang': ("langue des messages (fr ou en)", 'language of the messages (fr or en)'),
    'cli.opt.json': ("écrire un seul document JSON sur la sortie standard",
                     'print one JSON document on standard output'),
    'cli.opt.database': (
        "base de données (URL SQLAlchemy ; défaut : VEILLE_DATABASE_URL, sinon le fichier "
        "SQLite embarqué)",
        'the store (a SQLAlchemy URL; default: VEILLE_DATABASE_URL, else the embedded SQLite '
        'file)'),
    'cli.opt.as_of': ("date d'analyse AAAA-MM-JJ (défaut : la dernière date enregistrée)",
                      'as-of date YYYY-MM-DD (default: the latest record date)'),
    'cli.bad_date': ('« {text} » n\'est pas une date AAAA-MM-JJ', '{text!r} is not a YYYY-MM-DD date'),
    'cli.bad_number': ('« {text} » : un nombre de {lo} à {hi} est attendu',
                       '{text!r}: a number from {lo} to {hi} is expected'),
    'cli.as_of_outside': (
        "Date de référence {asked} hors des données : choisissez-la du {first} (premier "
        "enregistrement) au {last} (dernier enregistrement + horizon de la prévision).",
        'As-of date {asked} is outside the data: choose it from {first} (the first record) '
        'to {last} (the latest record + the forecast horizon).'),
    'cli.opt.window': ("fenêtre d'observation en jours", 'look-back window in days'),
    'cli.opt.horizon': ("horizon de la prévision en jours", 'forecast horizon in days'),
    'cli.opt.format': ("format du fichier", 'file format'),
    'cli.opt.output': ("fichier à écrire", 'file to write'),
    'cli.opt.output_stdout': ("fichier à écrire (défaut : la sortie standard)",
                              'file to write (default: standard output)'),
    'cli.arg.kind': ("type d'enregistrements : workshops (ateliers), mediators (médiateurs), "
                     "tensions (signalements)",
                     'kind of records: workshops, mediators or tensions (reports)'),
    'cli.arg.file': ("fichier CSV, texte, XLSX ou GeoJSON", 'CSV, text, XLSX or GeoJSON file'),
    # commands
    'cli.import.help': ("Importer un fichier de terrain (aperçu avec --dry-run).",
                        'Import a field file (preview with --dry-run).'),
    'cli.import.dry_run': ("valider seulement, ne rien enregistrer",
                           'validate only, store nothing'),
    'cli.export.help': ("Exporter les enregistrements (CSV, avec ligne HXL, ou GeoJSON).",
                        'Export the records (CSV, with an HXL row, or GeoJSON).'),
    'cli.export.hxl': ("ajouter une ligne de balises HXL (CSV)",
                       'add an HXL hashtag row (CSV)'),
    'cli.export.restricted': (
        "exporter des données restreintes (médiateurs : une ligne chacun, ce qui donne le "
        "compte exact de chaque cercle ; signalements : ceux des médiateurs et des SMS à "
        "leur point et sous leur source ; à garder dans l'équipe)",
        "export restricted records (mediators: one row each, which gives away every cercle's "
        "exact count; reports: those of mediators and SMS at their point and under their "
        "source; keep the file inside the team)"),
    'cli.export.refused_restricted': (
        "{kind} : données restreintes (comptes exacts par cercle) ; ajoutez --restricted pour "
        "les exporter à l'usage de l'équipe.",
        '{kind}: restricted data (exact counts per cercle); add --restricted to export it for '
        "the team's own use."),
    'cli.risk.help': ("Score de risque de chaque cercle.", 'Risk score of every cercle.'),
    'cli.risk.heading': ("au {as_of}, fenêtre de {days} jours",
                         'as of {as_of}, window {days} days'),
    'cli.risk.completeness': ('complétude', 'completeness'),
    'cli.coverage.help': ("Couverture en médiateurs et lacunes de chaque cercle.",
                          'Mediator coverage and gaps of every cercle.'),
    'cli.coverage.measure': ("mesure de couverture", 'coverage measure'),
    'cli.coverage.risk_threshold': (
        "score à partir duquel le risque compte (défaut 5 : classe « élevé » et plus ; 3,5 "
        "moyen, 6,5 très élevé)",
        "score from which risk counts (default 5: the 'high' class and above; 3.5 medium, "
        "6.5 very high)"),
    'cli.coverage.coverage_threshold': ("seuil de couverture (défaut : la médiane nationale)",
                                        'coverage threshold (default: the national median)'),
    'cli.coverage.heading': (
        "au {as_of} ; seuil de risque {risk}, seuil de {measure} {coverage}",
        'as of {as_of}; risk threshold {risk}, {measure} threshold {coverage}'),
    'cli.coverage.row': (
        "{rank} {cercle} {gap} médiateurs {mediators} ({per_10k} /10 000) communes sans "
        "médiateur {without} distance moyenne {distance}",
        '{rank} {cercle} {gap} mediators {mediators} ({per_10k} /10k) communes without '
        '{without} mean distance {distance}'),
    'cli.hidden': ('masqué', 'hidden'),
    'cli.no_data': ('pas de données', 'no data'),
    'cli.forecast.help': ("Prévision des signalements par cercle.",
                          'Forecast of tension reports per cercle.'),
    'cli.forecast.heading': ("prévision au {as_of} pour les {days} jours suivants, modèle {model} "
                             "(rang, cercle, signalements attendus [intervalle à 80 %], "
                             "probabilité d'au moins un, d'au moins un grave)",
                             'forecast as of {as_of} for the next {days} days, model {model} '
                             '(rank, cercle, expected reports [80 % interval], chance of at '
                             'least one, of at least one severe)'),
    'cli.under_observed': ('peu observé', 'under-observed'),
    'cli.backtest.help': ("Évaluation glissante de la prévision face à ses cinq références "
                          "(scores propres, rangs parmi les cercles touchés, garde-fou).",
                          "The forecast's rolling evaluation against its five baselines "
                          "(proper scores, ranks among the cercles with reports, the guard)."),
    'cli.plan.help': ("Où déployer les prochains médiateurs et ateliers (un seul plan).",
                      'Where the next mediators and workshops should go (one plan).'),
    'cli.plan.new': ("nombre de nouveaux médiateurs", 'new mediators'),
    'cli.plan.radius': ("rayon de service (km)", 'service radius (km)'),
    'cli.plan.model': ("modèle : mclp (couvrir le plus de population) ou pmedian (réduire la "
                       "distance moyenne)",
                       'model: mclp (cover the most people) or pmedian (reduce the mean '
                       'distance)'),
    'cli.plan.demand': ("pondération de la demande", 'demand weighting'),
    'cli.plan.workshops': ("nombre de prochains ateliers (cercles), seuls ou avec --new",
                           'the next K workshops (cercles), alone or with --new'),
    'cli.plan.cercle': ("cercle candidat, nom ou code (répétable)",
                        'candidate cercle, name or code (repeatable)'),
    'cli.plan.exclude_cercle': ("cercle inaccessible aux ateliers, nom ou code (répétable)",
                                'cercle unreachable for workshops, name or code (repeatable)'),
    'cli.plan.mediators': ("Médiateurs : {useful} {useful:site utile|sites utiles} sur {new} {new:demandé|demandés} ; "
                           "population couverte {before} → {after} ; distance moyenne "
                           "{d_before} → {d_after}.",
                           'Mediators: {useful} useful {useful:site|sites} of {new} asked; population '
                           'covered {before} → {after}; mean distance {d_before} → {d_after}.'),
    'cli.plan.site': ("  {order}. {commune} ({cercle}) : +{gain} personnes couvertes, "
                      "{nearer} rapprochées",
                      '  {order}. {commune} ({cercle}): +{gain} people covered, {nearer} '
                      'brought nearer'),
    'cli.plan.workshops_summary': ("Ateliers : {useful} {useful:utile|utiles} sur {k} {k:demandé|demandés} ; "
                                   "{share} % du besoin.",
                                   'Workshops: {useful} useful of {k} asked; {share} % of '
                                   'the need.'),
    'cli.plan.workshop': ("  {order}. {cercle} : besoin {weight}",
                          '  {order}. {cercle}: need {weight}'),
    'cli.plan.region': ("région candidate, nom ou code (répétable)",
                        'candidate region, name or code (repeatable)'),
    'cli.plan.exclude': ("commune inaccessible, nom ou code (répétable)",
                         'unreachable commune, name or code (repeatable)'),
    'cli.plan.time_limit': ("temps de calcul maximal du solveur (secondes)",
                            "the solver's time limit (seconds)"),
    'cli.plan.needs': ("Dites quoi planifier : --new N avec --radius-km, ou --workshops K, "
                       "ou les deux.",
                       'Say what to plan: --new N with --radius-km, or --workshops K, or '
                       'both.'),
    'cli.monitor.help': ("Points chauds, points chauds émergents et alertes.",
                         'Hot spots, emerging hot spots and alerts.'),
    'cli.monitor.what': ("hotspots (points chauds), emerging (émergents) ou alerts (alertes)",
                         'hotspots, emerging (hot spots) or alerts'),
    'cli.monitor.months': ("emerging : nombre de mois", 'emerging: number of months'),
    'cli.monitor.level': ("niveau : cercle ou commune", 'level: cercle or commune'),
    'cli.monitor.weight': ("poids : nombre de signalements ou somme des gravités",
                           'weight: report count or sum of severities'),
    'cli.monitor.contiguity': ("voisinage : contiguïté (queen) ou distance",
                               'neighbourhood: contiguity (queen) or distance'),
    'cli.monitor.band': ("distance de voisinage (km)", 'neighbourhood distance (km)'),
    'cli.monitor.permutations': ("nombre de permutations", 'number of permutations'),
    'cli.monitor.seed': ("graine aléatoire", 'random seed'),
    'cli.monitor.heading.hotspots': ("points chauds au {as_of}", 'hot spots as of {as_of}'),
    'cli.monitor.heading.emerging': ("points chauds émergents au {as_of}",
                                     'emerging hot spots as of {as_of}'),
    'cli.monitor.heading.alerts': ("alertes au {as_of}", 'alerts as of {as_of}'),
    'cli.brief.help': ("Le brief de la direction (PDF ou HTML).",
                       'The leadership brief (PDF or HTML).'),
    'cli.brief.format': ("pdf ou html (défaut : selon l'extension du fichier, sinon pdf)",
                         "pdf or html (default: from the file's extension, else pdf)"),
    'cli.brief.view': ("la vue de l'application, comme dans son adresse (preset=…&win=…)",
                       "the app's view, as in its address (preset=…&win=…)"),
    'cli.brief.scenario': ("un scénario enregistré à inclure (numéro ; l'option se répète)",
                           'a saved scenario to include (its number; repeat the option)'),
    'cli.brief.window': ("la période : nombre de jours jusqu'à la date de référence (défaut : celui de la vue)",
                         "the period: number of days up to the as-of date (default: the view's)"),
    'cli.brief.focus': ("un cercle ou une région (code, ex. mli-bankass ou ML05) : le brief commence par lui",
                        'a cercle or region (its code, e.g. mli-bankass or ML05): the brief leads with it'),
    'cli.brief.sections': ("les sections, séparées par des virgules, parmi {all} (défaut : {default})",
                           'the sections, comma-separated, among {all} (default: {default})'),
    'cli.brief.refused': ("Inconnu : {what}. Voir python -m geo brief --help.",
                          'Unknown: {what}. See python -m geo brief --help.'),
    'cli.demo.help': ("Charger ou retirer les données de démonstration.",
                      'Load or remove the demonstration data.'),
    'cli.demo.action': ("load (charger) ou remove (retirer)", 'load or remove'),
    'cli.demo.already': ("données de démonstration déjà chargées",
                         'demonstration data already loaded'),
    'cli.demo.loaded': ("{kind} : {accepted} acceptés, {rejected} rejetés",
                        '{kind}: {accepted} accepted, {rejected} rejected'),
    'cli.demo.removed': ("retiré : {what}", 'removed: {what}'),
    'cli.sync.help': ("Récupérer les soumissions nouvelles et modifiées d'un formulaire "
                      "KoboToolbox ou ODK Central.",
                      'Fetch new and edited submissions of a KoboToolbox or ODK Central form.'),
    'cli.sync.platform': ("kobo, odk, ou all (tous les formulaires connectés et configurés)",
                          'kobo, odk, or all (every connected and configured form)'),
    'cli.sync.server': ("adresse du serveur, p. ex. https://kf.kobotoolbox.org",
                        "the server's address, e.g. https://kf.kobotoolbox.org"),
    'cli.sync.form': ("identifiant du formulaire (uid KoboToolbox ou xmlFormId ODK Central)",
                      "the form's id (KoboToolbox asset uid or ODK Central xmlFormId)"),
    'cli.sync.project': ("numéro du projet ODK Central", 'ODK Central project number'),
    'cli.sync.label': ("nom affiché de la source", "the source's display name"),
    'cli.sync.full': ("relire toutes les soumissions (les modifications dans KoboToolbox)",
                      'read every submission again (edits made in KoboToolbox)'),
    'cli.sync.needs': ("--server et --form sont obligatoires (sauf pour « sync all »).",
                       "--server and --form are required (except for 'sync all')."),
    'cli.notify.help': ("Mettre en file les courriels des alertes nouvelles (et le résumé du "
                        "jour) et les envoyer par le serveur SMTP configuré.",
                        'Queue the e-mails of newly fired alerts (and the daily digest) and '
                        'send them through the configured SMTP server.'),
    'cli.notify.digest': ("aussi le résumé de la veille", "also the previous day's digest"),
    'cli.backup.help': ("Écrire une copie cohérente de la base (sauvegarde en ligne de SQLite, "
                        "pg_dump), même pendant que l'application tourne.",
                        "Write a consistent copy of the store (SQLite's online backup, pg_dump), "
                        'even while the app runs.'),
    'cli.backup.file': ("fichier de sauvegarde à écrire", 'backup file to write'),
    'cli.backup.done': ("{file} : {size} octets", '{file}: {size} bytes'),
    'cli.restore.help': ("Restaurer une sauvegarde dans la base (application arrêtée).",
                         'Restore a backup into the store (the app stopped).'),
    'cli.restore.file': ("fichier de sauvegarde à lire", 'backup file to read'),
    'cli.restore.force': ("remplacer une base qui n'est pas vide",
                          'replace a store that is not empty'),
    'cli.rebuild.help': (
        "Reconstruire un fichier de référence livré (voisinages des cercles, zones de "
        "divulgation) après un changement de limites.",
        'Rebuild a shipped reference file (cercle neighbours, disclosure zones) after a '
        'boundary change.'),
    'cli.rebuild.file': ("neighbours (voisinages) ou zones", 'neighbours or zones'),
    'cli.store_unreachable': (
        "La base de données est injoignable ({kind}) : vérifiez VEILLE_DATABASE_URL ou "
        "--database, puis réessayez.",
        'The store cannot be reached ({kind}): check VEILLE_DATABASE_URL or --database, then '
        'try again.'),
}
