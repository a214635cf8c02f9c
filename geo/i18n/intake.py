"""Translations of intake (KoboToolbox / ODK Central syncs, SMS reports and their replies)
and of the alert e-mails: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    # sync failures (geo.intake.remote.SyncError)
    'intake.error.source_invalid': (
        'Source mal définie : {what} invalide.',
        'Source badly defined: invalid {what}.'),
    'intake.error.token_missing': (
        "Aucun jeton d'API pour {platform} : définissez VEILLE_KOBO_TOKEN / VEILLE_ODK_TOKEN ou kobo_token / odk_token dans les secrets. Rien n'a été enregistré.",
        'No API token for {platform}: set VEILLE_KOBO_TOKEN / VEILLE_ODK_TOKEN or kobo_token / odk_token in the secrets. Nothing was stored.'),
    'intake.error.token_refused': (
        "Le serveur refuse le jeton d'API (HTTP {status}) : jeton révoqué, expiré ou sans droit sur ce formulaire. Rien n'a été enregistré.",
        'The server refuses the API token (HTTP {status}): revoked, expired or without rights on this form. Nothing was stored.'),
    'intake.error.form_unknown': (
        "Formulaire inconnu du serveur (HTTP 404) : vérifiez l'identifiant du formulaire (et le projet). Rien n'a été enregistré.",
        'The server does not know this form (HTTP 404): check the form id (and the project). Nothing was stored.'),
    'intake.error.server_error': (
        "Le serveur est en panne (HTTP {status}). Rien n'a été enregistré ; la prochaine synchronisation reprendra au même point.",
        'The server failed (HTTP {status}). Nothing was stored; the next sync resumes from the same point.'),
    'intake.error.server_refused': (
        "Le serveur refuse la demande (HTTP {status}). Rien n'a été enregistré.",
        'The server refuses the request (HTTP {status}). Nothing was stored.'),
    'intake.error.unreachable': (
        "Serveur injoignable (réseau, adresse ou certificat). Rien n'a été enregistré ; la prochaine synchronisation reprendra au même point.",
        'Server unreachable (network, address or certificate). Nothing was stored; the next sync resumes from the same point.'),
    'intake.error.timeout': (
        "Le serveur ne répond pas à temps. Rien n'a été enregistré ; la prochaine synchronisation reprendra au même point.",
        'The server does not answer in time. Nothing was stored; the next sync resumes from the same point.'),
    'intake.error.malformed': (
        "La réponse du serveur n'est pas celle que son API documente ({detail}). Rien n'a été enregistré.",
        "The server's answer is not what its API documents ({detail}). Nothing was stored."),
    'intake.error.too_large': (
        "Réponse du serveur trop volumineuse (plus de {limit} Mo). Rien n'a été enregistré.",
        "The server's answer is too large (over {limit} MB). Nothing was stored."),
    'intake.error.too_large_rows': (
        "Plus de {limit} soumissions en une synchronisation. Rien n'a été enregistré.",
        'More than {limit} submissions in one sync. Nothing was stored.'),
    'intake.error.fields_changed': (
        "Les champs du formulaire ont changé : il ne donne plus {fields}. Rien n'a été enregistré ; corrigez le formulaire ou sa correspondance.",
        "The form's fields changed: it no longer gives {fields}. Nothing was stored; fix the form or its mapping."),
    'intake.field.place': ('un lieu (région, cercle, commune ou coordonnées)', 'a place (region, cercle, commune or coordinates)'),
    'intake.field.platform': ('plateforme', 'platform'),
    'intake.field.server': ('adresse du serveur', 'server address'),
    'intake.field.form': ('identifiant du formulaire', 'form id'),
    'intake.field.project': ('projet (numéro)', 'project (number)'),
    'intake.cli.summary': (
        '{source} : {rows} {rows:soumission lue|soumissions lues}, {accepted} {accepted:acceptée|acceptées}, {rejected} {rejected:rejetée|rejetées}, {duplicates} {duplicates:doublon|doublons}, {updated} {updated:mise|mises} à jour.',
        '{source}: {rows} {rows:submission|submissions} read, {accepted} accepted, {rejected} rejected, {duplicates} {duplicates:duplicate|duplicates}, {updated} updated.'),
    'intake.cli.no_sources': ('Aucune source à synchroniser.', 'No source to synchronise.'),
    'intake.cli.notify': (
        'Alertes : {fired} en cours, {new} nouvelles, {queued} courriels mis en file ; envoi : {sent} envoyés, {retry} à réessayer, {failed} abandonnés.',
        'Alerts: {fired} in force, {new} new, {queued} e-mails queued; delivery: {sent} sent, {retry} to retry, {failed} given up.'),
    # SMS replies (geo.intake.sms)
    'intake.sms.form': (
        'VEILLE <cercle> <catégorie> <gravité 1-5> <texte>',
        'WATCH <cercle> <category> <severity 1-5> <text>'),
    'intake.sms.reply.received': (
        'Veille : signalement reçu ({cercle}, {category}, gravité {severity}). Merci.',
        'Veille: report received ({cercle}, {category}, severity {severity}). Thank you.'),
    'intake.sms.reply.not_understood': (
        'Veille : message non compris : {problem} Envoyez : {form}',
        'Veille: message not understood: {problem} Send: {form}'),
    'intake.sms.reply.personal': (
        "Veille : message reçu mais non enregistré : il contient un nom, un numéro ou une adresse. N'en mettez pas. Envoyez : {form}",
        'Veille: message received but not recorded: it holds a name, a number or an address. Leave them out. Send: {form}'),
    'intake.sms.reply.rate_limited': (
        'Veille : trop de messages en peu de temps, réessayez plus tard.',
        'Veille: too many messages in a short time, try again later.'),
    'intake.sms.problem.keyword': ('le message doit commencer par VEILLE (ou WATCH).', 'the message must start with WATCH (or VEILLE).'),
    'intake.sms.problem.cercle': ('cercle inconnu.', 'unknown cercle.'),
    'intake.sms.problem.category': ('catégorie inconnue.', 'unknown category.'),
    'intake.sms.problem.severity': ('la gravité doit être un chiffre de 1 à 5.', 'the severity must be a digit from 1 to 5.'),
    'intake.sms.problem.too_long': ('message trop long.', 'message too long.'),
    'intake.sms.suggest': ('Vouliez-vous dire : {names} ?', 'Did you mean: {names}?'),
    # alert e-mails (geo.outputs.notify)
    'notify.alert.subject': ('Veille : {n} {n:nouvelle alerte|nouvelles alertes} au {date}', 'Veille: {n} new {n:alert|alerts} on {date}'),
    'notify.alert.intro': (
        'De nouvelles alertes se sont déclenchées au {date} dans les zones que vous suivez :',
        'New alerts fired on {date} in the areas you follow:'),
    'notify.line.baseline': (
        '{cercle} : {observed} signalements sur {days} jours pour {expected} attendus (× {ratio}, p {p})',
        '{cercle}: {observed} reports over {days} days against {expected} expected (× {ratio}, p {p})'),
    'notify.line.hotspot': (
        '{cercle} : point chaud à 99 % (Gi* z = {z}), {reports} signalements sur {days} jours',
        '{cercle}: 99 % hot spot (Gi* z = {z}), {reports} reports over {days} days'),
    'notify.line.trigger': ('{cercle} : déclencheur atteint ({what})', '{cercle}: trigger reached ({what})'),
    'notify.footer': (
        'Message automatique de Veille. Chiffres par lieu seulement ; les signalements se consultent dans l’application. Pour changer vos abonnements, voyez l’application.',
        'Automatic message from Veille. Figures per place only; reports are read in the app. To change your subscriptions, see the app.'),
    'notify.digest.subject': ('Veille : synthèse du {date}', 'Veille: digest of {date}'),
    'notify.digest.intro': (
        'Synthèse du {date} pour les zones que vous suivez :',
        'Digest of {date} for the areas you follow:'),
    'notify.digest.reports': (
        'Signalements : {day} le dernier jour, {week} sur 7 jours',
        'Reports: {day} over the last day, {week} over 7 days'),
    'notify.digest.categories': ('Sur 7 jours : {list}', 'Over 7 days: {list}'),
    'notify.digest.unverified': ('{n} signalements à vérifier', '{n} reports to verify'),
    'notify.digest.no_alert': ('Aucune alerte en cours.', 'No alert in force.'),
    # the audit screen: intake's actions and the details they keep
    'audit.action.source_set': ('Source connectée', 'Source connected'),
    'audit.action.source_removed': ('Source retirée', 'Source removed'),
    'audit.action.sync': ('Synchronisation', 'Sync'),
    'audit.action.sms_batch': ('SMS reçus', 'SMS received'),
    'audit.action.subscription_set': ('Abonnement aux alertes', 'Alert subscription'),
    'audit.action.subscription_removed': ('Abonnement retiré', 'Subscription removed'),
    'audit.detail.platform': ('Plateforme', 'Platform'),
    'audit.detail.server': ('Serveur', 'Server'),
    'audit.detail.project': ('Projet', 'Project'),
    'audit.detail.form': ('Formulaire', 'Form'),
    'audit.detail.rows': ('Soumissions lues', 'Submissions read'),
    'audit.detail.accepted': ('Acceptées', 'Accepted'),
    'audit.detail.rejected': ('Rejetées', 'Rejected'),
    'audit.detail.duplicates': ('Doublons', 'Duplicates'),
    'audit.detail.updated': ('Mises à jour', 'Updated'),
    'audit.detail.full': ('Lecture complète', 'Full read'),
    'audit.detail.pages': ('Pages', 'Pages'),
    'audit.detail.cursor': ('Reprise à partir de', 'Resumes from'),
    'audit.detail.error': ('Erreur', 'Error'),
    'audit.detail.received': ('Reçus', 'Received'),
    'audit.detail.reporter': ('Code de l’expéditeur', 'Reporter code'),
    'audit.detail.not_understood': ('Non compris', 'Not understood'),
    'audit.detail.problem': ('Problème', 'Problem'),
    'audit.detail.reports': ('Signalements', 'Reports'),
    # the Data page: connected forms, SMS
    'intake.page.title': ("Formulaires connectés et SMS", 'Connected forms and SMS'),
    'intake.page.intro': (
        "Les signalements du réseau arrivent aussi d'eux-mêmes : formulaires KoboToolbox ou "
        "ODK Central synchronisés (par la commande « python -m geo sync », planifiée, ou ici), "
        "et SMS reçus par une passerelle. Chaque soumission suit les règles d'un import de "
        "fichier.",
        "The network's reports also arrive by themselves: KoboToolbox or ODK Central forms "
        "synchronised (by the scheduled command 'python -m geo sync', or here) and SMS "
        'received through a gateway. Every submission follows the rules of a file import.'),
    'intake.page.none': ("Aucun formulaire connecté.", 'No form connected.'),
    'intake.col.source': ('Formulaire', 'Form'),
    'intake.col.platform': ('Plateforme', 'Platform'),
    'intake.col.last_success': ('Dernière réussite (UTC)', 'Last success (UTC)'),
    'intake.col.last_attempt': ('Dernier essai (UTC)', 'Last attempt (UTC)'),
    'intake.col.counts': ('Dernière synchronisation', 'Last sync'),
    'intake.col.syncs': ('Synchronisations', 'Syncs'),
    'intake.col.error': ('Dernière erreur', 'Last error'),
    'intake.platform.kobo': ('KoboToolbox', 'KoboToolbox'),
    'intake.platform.odk': ('ODK Central', 'ODK Central'),
    'intake.counts': (
        "{rows} {rows:lue|lues} : {accepted} {accepted:acceptée|acceptées}, {rejected} {rejected:rejetée|rejetées}, "
        "{duplicates} {duplicates:doublon|doublons}, {updated} {updated:mise|mises} à jour",
        '{rows} read: {accepted} accepted, {rejected} rejected, {duplicates} {duplicates:duplicate|duplicates}, '
        '{updated} updated'),
    'intake.syncs': ("{syncs} {syncs:réussie|réussies}, {failures} {failures:échouée|échouées}", '{syncs} succeeded, {failures} failed'),
    'intake.pick': ('Formulaire', 'Form'),
    'intake.full': ('Tout relire', 'Read everything again'),
    'intake.full_help': (
        "KoboToolbox ne signale les soumissions corrigées qu'à une relecture complète.",
        'KoboToolbox shows corrected submissions only to a full read.'),
    'intake.sync_now': ('Synchroniser maintenant', 'Sync now'),
    'intake.syncing': ("Synchronisation de {source}…", 'Synchronising {source}…'),
    'intake.synced': (
        "{source} synchronisé : {rows} {rows:lue|lues}, {accepted} {accepted:acceptée|acceptées}, "
        "{rejected} {rejected:rejetée|rejetées}, {duplicates} {duplicates:doublon|doublons}, "
        "{updated} {updated:mise|mises} à jour.",
        '{source} synchronised: {rows} read, {accepted} accepted, {rejected} rejected, '
        '{duplicates} {duplicates:duplicate|duplicates}, {updated} updated.'),
    'intake.remove': ('Déconnecter', 'Disconnect'),
    'intake.remove_confirm': (
        "Déconnecter {source} ? Ses signalements restent ; seul l'état de synchronisation est "
        "oublié.",
        'Disconnect {source}? Its reports stay; only its sync state is forgotten.'),
    'intake.removed': ("{source} déconnecté.", '{source} disconnected.'),
    'intake.connect': ('Connecter un formulaire', 'Connect a form'),
    'intake.field.label': ('nom affiché', 'display name'),
    'intake.project_help': ("ODK Central seulement.", 'ODK Central only.'),
    'intake.token_note': (
        "Le jeton d'accès n'est jamais saisi ici : il se place dans les secrets du serveur "
        "(kobo_token, odk_token) ou VEILLE_KOBO_TOKEN / VEILLE_ODK_TOKEN.",
        'The access token is never typed here: it goes into the server\'s secrets '
        '(kobo_token, odk_token) or VEILLE_KOBO_TOKEN / VEILLE_ODK_TOKEN.'),
    'intake.connect_button': ('Connecter', 'Connect'),
    'intake.connected': ("{source} connecté.", '{source} connected.'),
    'intake.sms.title': ('SMS reçus', 'SMS received'),
    'intake.sms.none': ("Aucun SMS reçu ces {days} derniers jours.",
                        'No SMS received in the last {days} days.'),
    'intake.sms.gateway': ('Passerelle', 'Gateway'),
    'intake.sms.outcome': ('Issue', 'Outcome'),
    'intake.sms.outcome.received': ('enregistré', 'recorded'),
    'intake.sms.outcome.not_understood': ('non compris', 'not understood'),
    'intake.sms.outcome.rejected': ('refusé (données personnelles)', 'refused (personal data)'),
    'intake.sms.messages': ('Messages', 'Messages'),
    'intake.sms.reporters': ('Expéditeurs distincts', 'Distinct senders'),
    'intake.sms.note': (
        "Les {days} derniers jours. Les expéditeurs sont des codes pseudonymes : aucun numéro "
        "n'est conservé.",
        'The last {days} days. Senders are pseudonymous codes: no number is kept.'),
    # alert e-mails (the monitor's alerts)
    'subs.title': ('Recevoir les alertes par courriel', 'Get alerts by e-mail'),
    'subs.intro': (
        "Choisissez des régions ou des cercles et des types d'alerte : un courriel part quand "
        "une alerte se déclenche, et un résumé chaque matin si vous le voulez. Les messages "
        "donnent des chiffres par lieu et un lien vers la vue, jamais le texte d'un "
        "signalement ni un médiateur.",
        'Choose regions or cercles and kinds of alert: an e-mail goes out when an alert '
        'fires, and a digest each morning if you wish. Messages give figures per place and a '
        'link to the view, never a report\'s text nor a mediator.'),
    'subs.email': ('Adresse électronique', 'E-mail address'),
    'subs.email_help': (
        "La vôtre (celle de votre connexion) ; un administrateur peut en inscrire une autre.",
        'Yours (your sign-in\'s); an administrator may subscribe another.'),
    'subs.areas': ('Régions ou cercles', 'Regions or cercles'),
    'subs.areas_none': ('tout le pays', 'the whole country'),
    'subs.area.region': ("Région de {name}", '{name} region'),
    'subs.kinds': ("Types d'alerte", 'Kinds of alert'),
    'subs.kinds_none': ('aucun', 'none'),
    'subs.kind.baseline': ("hausse nette des signalements", 'reports well above their baseline'),
    'subs.kind.hotspot': ("point chaud à 99 %", '99 % hot spot'),
    'subs.kind.trigger': ("déclencheur convenu", 'agreed trigger'),
    'subs.kind.digest': ("résumé quotidien", 'daily digest'),
    'subs.language': ('Langue des messages', 'Language of the messages'),
    'subs.save': ("S'abonner / mettre à jour", 'Subscribe / update'),
    'subs.stop': ('Se désabonner', 'Unsubscribe'),
    'subs.saved': ("Abonnement de {email} enregistré.", 'Subscription of {email} saved.'),
    'subs.stopped': ("{email} ne recevra plus d'alertes.", '{email} will receive no more alerts.'),
    'subs.error.email': ("Adresse électronique invalide.", 'Invalid e-mail address.'),
    'subs.error.area': ("Lieu inconnu.", 'Unknown place.'),
    'subs.error.kind': ("Type d'alerte inconnu.", 'Unknown kind of alert.'),
    'subs.error.language': ("Langue inconnue.", 'Unknown language.'),
    'subs.all': ("Tous les abonnements ({n})", 'Every subscription ({n})'),
    'subs.all_none': ("Aucun abonnement.", 'No subscription.'),
    'subs.outbox': ("Journal des envois ({n})", 'Delivery log ({n})'),
    'subs.outbox_none': ("Aucun message envoyé.", 'No message sent.'),
    'subs.col.created': ('Créé (UTC)', 'Created (UTC)'),
    'subs.col.status': ('État', 'Status'),
    'subs.col.attempts': ('Essais', 'Attempts'),
    'subs.col.error': ('Dernière erreur', 'Last error'),
    'subs.status.queued': ('en attente', 'queued'),
    'subs.status.sent': ('envoyé', 'sent'),
    'subs.status.failed': ('abandonné', 'given up'),
}
