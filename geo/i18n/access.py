"""Translations of sign-in, roles, confirmations, the Audit and Access screens:
key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'access.bad_host': (
        "Adresse du serveur non autorisée : ouvrez Veille à son adresse habituelle.",
        'Server name not allowed: open Veille at its usual address.'),
    'access.denied': (
        'Accès refusé : cette action demande le rôle « {role} ».',
        'Access denied: this needs the “{role}” role.'),
    'access.local': (
        'Mode local : un seul utilisateur, avec tous les rôles, accessible depuis cette machine seulement (127.0.0.1). Pour plusieurs utilisateurs, configurez la connexion (README).',
        'Local mode: a single user with every role, reachable from this machine only (127.0.0.1). For several users, configure sign-in (README).'),
    'access.local_refused': (
        "Sans connexion configurée, Veille ne s'ouvre que sur cette machine (127.0.0.1). Configurez la connexion ([auth]) ou liez le serveur à localhost.",
        'Without sign-in, Veille only opens on this machine (127.0.0.1). Configure sign-in ([auth]) or bind the server to localhost.'),
    'access.no_role': (
        "Vous êtes connecté·e ({user}), mais aucun rôle ne vous est attribué dans Veille. Demandez l'accès à un administrateur.",
        'You are signed in ({user}) but have no role in Veille. Ask an administrator for access.'),
    'access.sign_in': (
        'Se connecter',
        'Sign in'),
    'access.sign_in_intro': (
        "Veille contient des informations sensibles sur les médiateurs et les signalements. Connectez-vous avec le compte de votre organisation.",
        'Veille holds sensitive information on mediators and reports. Sign in with your organisation account.'),
    'access.sign_out': (
        'Se déconnecter',
        'Sign out'),
    'access.session_ended.signed_out': (
        'Cette session a été fermée (déconnexion). Reconnectez-vous pour continuer.',
        'This session was closed (signed out). Sign in again to go on.'),
    'access.session_ended.expired': (
        'Votre session a expiré (au plus {hours} h après la connexion). Reconnectez-vous pour continuer.',
        'Your session has expired (at most {hours} h after signing in). Sign in again to go on.'),
    'access.session_ended.idle': (
        'Votre session a été fermée après {minutes} min sans activité. Reconnectez-vous pour continuer.',
        'Your session was closed after {minutes} min without activity. Sign in again to go on.'),
    'access.signed_in': (
        '**{user}** · {role}',
        '**{user}** · {role}'),
    'role.admin': (
        'administrateur',
        'administrator'),
    'role.analyst': (
        'analyste',
        'analyst'),
    'role.viewer': (
        'lecteur',
        'viewer'),
    'confirm.no': (
        'Annuler',
        'Cancel'),
    'confirm.yes': (
        'Confirmer la suppression',
        'Confirm removal'),
    'demo.confirm': (
        'Retirer les données de démonstration ? Seront supprimés : {batches} lots, {workshops} ateliers, {tensions} signalements, {mediators} médiateurs et {ratings} notes de contexte. Les données importées restent.',
        'Remove the demonstration data? This deletes {batches} batches, {workshops} workshops, {tensions} reports, {mediators} mediators and {ratings} context ratings. Imported data stays.'),
    'data.delete': (
        'Supprimer le lot…',
        'Delete batch…'),
    'data.delete_confirm': (
        'Supprimer le lot {batch} ({file}, {kind}) ? Seront supprimés : {records} {records:enregistrement|enregistrements} et {rejected} {rejected:ligne rejetée|lignes rejetées}. Irréversible.',
        'Delete batch {batch} ({file}, {kind})? This deletes {records} {records:record|records} and {rejected} rejected {rejected:row|rows}. It cannot be undone.'),
    'data.delete_pick': (
        'Lot à supprimer',
        'Batch to delete'),
    'data.deleted': (
        'Lot {batch} supprimé.',
        'Batch {batch} deleted.'),
    'nav.audit': (
        'Journal',
        'Audit'),
    'nav.users': (
        'Accès',
        'Access'),
    'audit.action.add_factor': (
        'Nouveau facteur de contexte',
        'New context factor'),
    'audit.action.delete_batch': (
        "Suppression d'un lot",
        'Batch deleted'),
    'audit.action.import': (
        'Import',
        'Import'),
    'audit.action.load_demo': (
        'Chargement de la démo',
        'Demo loaded'),
    'audit.action.rate': (
        'Notes de contexte',
        'Context ratings'),
    'audit.action.remove_demo': (
        'Retrait de la démo',
        'Demo removed'),
    'audit.action.role_removed': (
        'Rôle retiré',
        'Role removed'),
    'audit.action.role_set': (
        'Rôle attribué',
        'Role given'),
    'audit.actions': (
        'Actions',
        'Actions'),
    'audit.all_actions': (
        'Toutes',
        'All'),
    'audit.all_users': (
        'Tous',
        'All'),
    'audit.batch': (
        'lot {batch}',
        'batch {batch}'),
    'audit.col.action': (
        'Action',
        'Action'),
    'audit.col.at': (
        'Date (UTC)',
        'When (UTC)'),
    'audit.col.details': (
        'Détails',
        'Details'),
    'audit.col.entry_id': (
        'N°',
        'No.'),
    'audit.col.records': (
        'Enregistrements',
        'Records'),
    'audit.col.role': (
        'Rôle',
        'Role'),
    'audit.col.subject': (
        'Identifiant (sub)',
        'Subject (sub)'),
    'audit.col.target': (
        'Objet',
        'Target'),
    'audit.col.user_label': (
        'Utilisateur',
        'User'),
    'audit.count': (
        '{n} {n:entrée|entrées}.',
        '{n} {n:entry|entries}.'),
    'audit.newest': (
        'Les {n} plus récentes sont affichées ; le CSV les contient toutes.',
        'The newest {n} are shown; the CSV holds them all.'),
    'audit.detail.kind': (
        'type',
        'kind'),
    'audit.detail.file_name': (
        'fichier',
        'file'),
    'audit.detail.format': (
        'format',
        'format'),
    'audit.detail.sha256': (
        'SHA-256',
        'SHA-256'),
    'audit.detail.before': (
        'avant',
        'before'),
    'audit.detail.after': (
        'après',
        'after'),
    'audit.detail.ratings': (
        'notes',
        'ratings'),
    'audit.detail.note': (
        'remarque',
        'note'),
    'audit.detail.is_demo': (
        'démo',
        'demo'),
    'audit.detail.seed': (
        'graine',
        'seed'),
    'audit.detail.workshops': (
        'ateliers',
        'workshops'),
    'audit.detail.mediators': (
        'médiateurs',
        'mediators'),
    'audit.detail.tensions': (
        'signalements',
        'reports'),
    'audit.detail.context_ratings': (
        'notes de contexte',
        'context ratings'),
    'audit.detail.batch': (
        'lot',
        'batch'),
    'audit.detail.batches': (
        'lots',
        'batches'),
    'audit.detail.records': (
        'enregistrements',
        'records'),
    'audit.detail.rejected_rows': (
        'lignes rejetées',
        'rejected rows'),
    'audit.detail.label_fr': (
        'libellé (fr)',
        'label (fr)'),
    'audit.detail.label_en': (
        'libellé (en)',
        'label (en)'),
    'audit.yes': (
        'oui',
        'yes'),
    'audit.no': (
        'non',
        'no'),
    'audit.dates': (
        'Période',
        'Dates'),
    'audit.download': (
        'Télécharger (CSV)',
        'Download (CSV)'),
    'audit.intro': (
        "Chaque écriture (import, suppression, note, rôle, démo, scénario, action) est inscrite ici avec l'utilisateur, son rôle, la date et les enregistrements concernés. Le journal ne peut être ni modifié ni effacé.",
        'Every write (import, deletion, rating, role, demo, scenario, action) is recorded here with the user, their role, the time and the records concerned. The log can be neither edited nor erased.'),
    'audit.none': (
        'Aucune entrée pour ces filtres.',
        'No entry for these filters.'),
    'audit.title': (
        "Journal d'audit",
        'Audit log'),
    'audit.users': (
        'Utilisateurs',
        'Users'),
    'users.col.principal': (
        'E-mail ou identifiant (sub)',
        'E-mail or subject (sub)'),
    'users.col.role': (
        'Rôle',
        'Role'),
    'users.col.updated_at': (
        'Modifié le (UTC)',
        'Changed (UTC)'),
    'users.col.updated_by': (
        'Modifié par',
        'Changed by'),
    'users.empty': (
        'La table des rôles est vide.',
        'The role table is empty.'),
    'users.error.principal_invalid': (
        'E-mail ou identifiant invalide (sans espace, 254 caractères au plus).',
        'Invalid e-mail or subject (no spaces, 254 characters at most).'),
    'users.error.principal_missing': (
        'Indiquez un e-mail ou un identifiant.',
        'Give an e-mail or a subject.'),
    'users.error.principal_unknown': (
        "Cet utilisateur n'est pas dans la table.",
        'This user is not in the table.'),
    'users.error.role_unknown': (
        'Rôle inconnu.',
        'Unknown role.'),
    'users.error.self_change': (
        "Vous ne pouvez pas modifier votre propre rôle : demandez-le à un autre administrateur.",
        'You cannot change your own role: ask another administrator.'),
    'users.intro': (
        "Le rôle d'un utilisateur vient d'abord de la revendication **{claim}** de son jeton d'identité ; à défaut, de cette table (par e-mail vérifié ou identifiant) ; à défaut : {unknown}. Un changement dans la table prend effet au prochain chargement de page de l'utilisateur ; un changement chez le fournisseur d'identité, à sa prochaine connexion.",
        "A user's role comes first from the **{claim}** claim of their ID token; failing that, from this table (by verified e-mail or subject); failing that: {unknown}. A change in the table takes effect at the user's next page load; a change at the identity provider, at their next sign-in."),
    'users.local': (
        "Mode local sans connexion : la table s'appliquera une fois la connexion configurée.",
        'Local mode without sign-in: the table applies once sign-in is configured.'),
    'users.principal_help': (
        "L'e-mail (en minuscules) ou l'identifiant « sub » envoyé par le fournisseur d'identité.",
        'The e-mail (lower case) or the “sub” the identity provider sends.'),
    'users.remove': (
        'Retirer un utilisateur',
        'Remove a user'),
    'users.remove_button': (
        'Retirer…',
        'Remove…'),
    'users.remove_confirm': (
        "Retirer {principal} de la table des rôles ? Sans rôle dans son jeton, il n'aura plus accès à Veille.",
        'Remove {principal} from the role table? Without a role in their token they lose access to Veille.'),
    'users.removed': (
        '{principal} retiré de la table.',
        '{principal} removed from the table.'),
    'users.save': (
        'Enregistrer',
        'Save'),
    'users.saved': (
        '{principal} : rôle « {role} ».',
        '{principal}: role “{role}”.'),
    'users.set': (
        'Attribuer un rôle',
        'Give a role'),
    'users.title': (
        'Accès',
        'Access'),
    'users.unknown.none': (
        'aucun accès',
        'no access'),
    'users.unknown.viewer': (
        'lecteur',
        'viewer'),
}
