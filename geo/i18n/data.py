"""Translations of the Data page and the importer's messages: key → (French, English)."""

PAIRS: dict[str, tuple[str, str]] = {
    'demo.summary.intimidation': (
        "Intimidation d'électeurs signalée (fictif, démonstration)",
        "Voter intimidation reported (fictitious, demonstration)"),
    'demo.summary.hate_speech': (
        "Propos haineux lors d'un rassemblement (fictif, démonstration)",
        "Hate speech at a gathering (fictitious, demonstration)"),
    'demo.summary.clash': (
        "Affrontement entre groupes (fictif, démonstration)",
        "Clash between groups (fictitious, demonstration)"),
    'demo.summary.intercommunal': (
        "Tension entre communautés autour d'un point d'eau (fictif, "
                      "démonstration)",
        "Tension between communities over a water point (fictitious, "
                      "demonstration)"),
    'demo.summary.electoral_attack': (
        "Attaque contre du matériel électoral (fictif, démonstration)",
        "Attack on election material (fictitious, demonstration)"),
    'demo.summary.armed_group': (
        "Présence d'hommes armés signalée (fictif, démonstration)",
        "Armed men reported (fictitious, demonstration)"),
    'demo.summary.protest': (
        "Manifestation devant la mairie (fictif, démonstration)",
        "Protest in front of the town hall (fictitious, demonstration)"),
    'demo.summary.other': (
        "Incident signalé (fictif, démonstration)",
        "Incident reported (fictitious, demonstration)"),
    'data.accepted': (
        'Acceptées',
        'Accepted'),
    'data.attribution': (
        'Source à citer partout où ces données sont montrées : {text}',
        'Source to credit wherever these data are shown: {text}'),
    'data.batch_pick': (
        'Lot',
        'Batch'),
    'data.batches': (
        'Historique des imports',
        'Import history'),
    'data.col.batch_id': (
        'Lot',
        'Batch'),
    'data.col.file_name': (
        'Fichier',
        'File'),
    'data.col.imported_at': (
        'Date (UTC)',
        'Date (UTC)'),
    'data.col.is_demo': (
        'Démo',
        'Demo'),
    'data.col.kind': (
        'Type',
        'Type'),
    'data.col.reasons': (
        'Raisons',
        'Reasons'),
    'data.col.row': (
        'Ligne',
        'Row'),
    'data.confirm': (
        "Confirmer l'import",
        'Confirm the import'),
    'data.demo': (
        'Données de démonstration',
        'Demonstration data'),
    'data.demo_load': (
        'Charger la démonstration',
        'Load the demonstration'),
    'data.demo_loaded': (
        'Des données de démonstration sont chargées (bandeau en haut de page).',
        'Demonstration data is loaded (banner at the top of the page).'),
    'data.demo_none': (
        "Aucune donnée de démonstration n'est chargée.",
        'No demonstration data is loaded.'),
    'export.yes': ('oui', 'yes'),
    'export.no': ('non', 'no'),
    'export.commune_population': (
        'estimation : population du cercle répartie au prorata de la superficie',
        'estimate: cercle population shared by area'),
    'export.mediator_protection': (
        'effectifs de 1 à {low}, et ceux qui permettraient de les retrouver, laissés vides ; sous le cercle, comptés par zone d\'au moins {area} km²',
        'counts 1 to {low}, and those that would give them away, left blank; below the cercle, counted per zone of at least {area} km²'),
    'data.done': (
        'Import terminé (lot n° {batch}) : {accepted} {accepted:ligne ajoutée|lignes ajoutées}, {rejected} {rejected:rejetée|rejetées}, {duplicates} {duplicates:doublon|doublons}.',
        'Import done (batch {batch}): {accepted} {accepted:row|rows} added, {rejected} rejected, {duplicates} {duplicates:duplicate|duplicates}.'),
    'data.download': (
        'Télécharger',
        'Download'),
    'data.download_rejected': (
        'Télécharger les lignes rejetées (CSV)',
        'Download the rejected rows (CSV)'),
    'data.duplicates': (
        'Doublons',
        'Duplicates'),
    'data.export': (
        'Exporter',
        'Export'),
    'data.export_format': (
        'Format',
        'Format'),
    'data.export_note': (
        "Les fiches des médiateurs ne s'exportent pas d'ici : une ligne par médiateur donnerait l'effectif exact de chaque cercle (données restreintes, voir Méthodologie). Les signalements sont exportés au niveau de leur précision, sans rien de plus fin.",
        "Mediators' records are not exported from here: one row per mediator would give every cercle's exact count (restricted data, see Methodology). Reports are exported at their location precision, with nothing finer."),
    'data.file': (
        'Fichier CSV, XLSX ou GeoJSON (points)',
        'CSV, XLSX or GeoJSON (points) file'),
    'data.file_help': (
        "CSV ou texte en UTF-8, UTF-16 (« Texte Unicode » d'Excel) ou Windows-1252, séparateur virgule, point-virgule ou tabulation ; XLSX ; GeoJSON (points). En-têtes Veille, français, KoboToolbox, ACLED, UCDP ou hashtags HXL. Aucune colonne de nom, téléphone ou e-mail.",
        'CSV or text in UTF-8, UTF-16 (Excel\'s "Unicode Text") or Windows-1252, separated by commas, semicolons or tabs; XLSX; GeoJSON (points). Veille, French, KoboToolbox, ACLED, UCDP or HXL-hashtag headers. No name, phone or e-mail column.'),
    'data.format': (
        'Format reconnu : {format}',
        'Recognised format: {format}'),
    'data.hxl': (
        'Ajouter la ligne de hashtags HXL',
        'Add the HXL hashtag row'),
    'data.hxl_row': (
        '(+ ligne de hashtags HXL, non comptée comme donnée)',
        '(+ an HXL hashtag row, not counted as data)'),
    'data.ignored': (
        'Colonnes ignorées (non enregistrées) : {columns}',
        'Ignored columns (not stored): {columns}'),
    'data.import': (
        'Importer un fichier',
        'Import a file'),
    'data.intro': (
        'Ateliers, médiateurs et signalements de tensions. Chaque ligne importée est enregistrée ou rejetée avec ses raisons ; un import refusé ou interrompu ne modifie rien.',
        'Workshops, mediators and tension reports. Every imported row is stored or rejected with its reasons; a refused or interrupted import changes nothing.'),
    'data.kind': (
        "Type d'enregistrements",
        'Record type'),
    'data.no_batches': (
        "Aucun import pour l'instant.",
        'No import yet.'),
    'data.placed': (
        'Lignes acceptées et leur emplacement ({n})',
        'Accepted rows and where each was placed ({n})'),
    'data.placed_col.cercle': (
        'Cercle',
        'Cercle'),
    'data.placed_col.commune': (
        'Commune',
        'Commune'),
    'data.placed_col.corrections': (
        'Corrections',
        'Corrections'),
    'data.placed_col.id': (
        'Identifiant',
        'Identifier'),
    'data.placed_col.precision': (
        'Précision',
        'Precision'),
    'data.placed_col.region': (
        'Région',
        'Region'),
    'data.placed_col.row': (
        'Ligne',
        'Row'),
    'data.preview': (
        "Aperçu (rien n'est encore enregistré)",
        'Preview (nothing stored yet)'),
    'data.rejected': (
        'Rejetées',
        'Rejected'),
    'data.rejections': (
        'Lignes rejetées et raisons',
        'Rejected rows and reasons'),
    'data.row_warnings': (
        'Avertissements (lignes acceptées, corrigées)',
        'Warnings (accepted rows, corrected)'),
    'data.rows': (
        'Lignes',
        'Rows'),
    'data.store': (
        'Base : {engine} — {workshops} ateliers, {mediators} médiateurs, {tensions} signalements.',
        'Store: {engine} — {workshops} workshops, {mediators} mediators, {tensions} reports.'),
    'data.stored': (
        'Enregistré',
        'Stored'),
    'data.title': (
        'Données de terrain : import et export',
        'Field data: import and export'),
    'data.warnings': (
        'Avertissements',
        'Warnings'),
    'format.acled': (
        'ACLED',
        'ACLED'),
    'format.ucdp': (
        'UCDP GED',
        'UCDP GED'),
    'format.veille': (
        'tableur Veille / français / KoboToolbox',
        'Veille / French / KoboToolbox spreadsheet'),
    'ingest.reason.above_maximum': (
        '{field} = « {value} » dépasse le maximum admis ({max})',
        '{field} = "{value}" is above the allowed maximum ({max})'),
    'ingest.reason.above_participants': (
        '{field} ({value}) dépasse le nombre de participants ({participants})',
        '{field} ({value}) exceeds the number of participants ({participants})'),
    'ingest.reason.cercle_needed': (
        'cercle requis (la région seule ne suffit pas)',
        'cercle required (a region alone is not enough)'),
    'ingest.reason.code_missing': (
        'valeur manquante ({field})',
        'missing value ({field})'),
    'ingest.reason.code_unknown': (
        'valeur non autorisée ({field} = « {value} » ; valeurs : {allowed})',
        'value not allowed ({field} = "{value}"; allowed: {allowed})'),
    'ingest.reason.commune_not_found': (
        'commune « {value} » introuvable dans le cercle : cercle retenu',
        'commune "{value}" not found in the cercle: cercle kept'),
    'ingest.reason.coordinates_invalid': (
        'coordonnées incomplètes ou illisibles',
        'incomplete or unreadable coordinates'),
    'ingest.reason.coordinates_swapped': (
        'latitude et longitude inversées : corrigées',
        'latitude and longitude swapped: corrected'),
    'ingest.reason.coordinates_win': (
        'les coordonnées placent le lieu dans le cercle {found}, pas {named} : coordonnées retenues',
        'the coordinates place it in cercle {found}, not {named}: coordinates kept'),
    'ingest.reason.count_missing': (
        'valeur manquante ({field})',
        'missing value ({field})'),
    'ingest.reason.date_future': (
        'date dans le futur ({field} = {value})',
        'date in the future ({field} = {value})'),
    'ingest.reason.date_missing': (
        'date manquante ({field})',
        'missing date ({field})'),
    'ingest.reason.date_too_early': (
        'date antérieure à 2012 ({field} = {value})',
        'date before 2012 ({field} = {value})'),
    'ingest.reason.date_unparseable': (
        'date illisible ({field} = « {value} » ; formats : AAAA-MM-JJ [HH:MM], JJ/MM/AAAA ou 31 décembre 2020)',
        'unreadable date ({field} = "{value}"; formats: YYYY-MM-DD [HH:MM], DD/MM/YYYY or 31 December 2020)'),
    'ingest.reason.end_before_start': (
        'date de fin antérieure à la date de début',
        'end date before start date'),
    'ingest.reason.feature_invalid': (
        'entité illisible : un objet GeoJSON Feature est attendu',
        'unreadable feature: a GeoJSON Feature object is expected'),
    'ingest.reason.geometry_invalid': (
        'géométrie illisible : un objet GeoJSON de type Point est attendu',
        'unreadable geometry: a GeoJSON Point object is expected'),
    'ingest.reason.id_conflict': (
        'identifiant {id} déjà enregistré avec un contenu différent',
        'identifier {id} already stored with different content'),
    'ingest.reason.location_missing': (
        'lieu manquant (région, cercle, commune ou coordonnées)',
        'missing location (region, cercle, commune or coordinates)'),
    'ingest.reason.mixed_encoding': (
        'fichier en UTF-8 sauf les lignes {lines}, lues en Windows-1252 : vérifiez leurs accents',
        'file in UTF-8 except lines {lines}, read as Windows-1252: check their accents'),
    'ingest.reason.name_ignored': (
        'nom de lieu « {value} » non reconnu : coordonnées retenues',
        'place name "{value}" not recognised: coordinates kept'),
    'ingest.reason.negative': (
        'nombre négatif ({field} = {value})',
        'negative number ({field} = {value})'),
    'ingest.reason.not_a_point': (
        'géométrie {geometry} : seuls les points sont acceptés',
        '{geometry} geometry: only points are accepted'),
    'ingest.reason.not_whole_number': (
        'nombre entier attendu ({field} = « {value} »)',
        'whole number expected ({field} = "{value}")'),
    'ingest.reason.outside_mali': (
        'coordonnées hors du Mali ({lat}, {lon})',
        'coordinates outside Mali ({lat}, {lon})'),
    'ingest.reason.personal_data_in_text': (
        "{field} contient des données personnelles ({what}) : retirez-les, rien de la ligne n'est enregistré",
        '{field} contains personal data ({what}): remove it; nothing of the row is stored'),
    'ingest.reason.place_ambiguous': (
        'lieu ambigu ({level} « {value} » : {candidates})',
        'ambiguous place ({level} "{value}": {candidates})'),
    'ingest.reason.place_unknown': (
        'lieu inconnu ({level} « {value} »)',
        'unknown place ({level} "{value}")'),
    'ingest.reason.place_unknown_suggest': (
        'lieu inconnu ({level} « {value} » ; vouliez-vous dire : {suggestions} ?)',
        'unknown place ({level} "{value}"; did you mean: {suggestions}?)'),
    'ingest.reason.precision_lowered': (
        'précision « {given} » impossible : « {used} » retenue',
        'precision "{given}" not possible: "{used}" used'),
    'ingest.reason.region_corrected': (
        "région corrigée d'après le cercle ({cercle})",
        'region corrected from the cercle ({cercle})'),
    'ingest.reason.region_reformed': (
        'région « {name} » (découpage de {year}) : région de {region} dans les limites de 2016 et avant',
        'region "{name}" ({year} reform): region of {region} within the pre-2016 boundaries'),
    'ingest.reason.reported_before_occurred': (
        "signalé avant la date de l'incident",
        'reported before the incident date'),
    'ingest.reason.severity_range': (
        "gravité hors de l'échelle 1 à 5 ({value})",
        'severity outside the 1 to 5 scale ({value})'),
    'ingest.reason.too_long': (
        '{field} trop long ({length} caractères, au plus {max})',
        '{field} too long ({length} characters, at most {max})'),
    'ingest.reason.too_many_cells': (
        '{cells} cellules pour {columns} colonnes (virgule ou point-virgule non protégé ?)',
        '{cells} cells for {columns} columns (an unquoted comma or semicolon?)'),
    'ingest.refused.csv_unreadable': (
        'Fichier CSV illisible (ligne {line}) : guillemets non fermés ou cellule trop longue.',
        'CSV file cannot be read (line {line}): an unclosed quote or a cell too long.'),
    'ingest.refused.empty': (
        'Fichier refusé : il est vide.',
        'File refused: it is empty.'),
    'ingest.refused.encoding': (
        'Fichier refusé : encodage illisible.',
        'File refused: unreadable encoding.'),
    'ingest.refused.file_unreadable': (
        'Fichier introuvable ou illisible : {file}',
        'File not found or unreadable: {file}'),
    'ingest.refused.json_unreadable': (
        'Fichier GeoJSON illisible (ligne {line}, colonne {column}).',
        'GeoJSON file cannot be read (line {line}, column {column}).'),
    'ingest.refused.no_columns': (
        'Fichier refusé : aucune colonne reconnue pour le type « {kind} ».',
        'File refused: no column recognised for "{kind}".'),
    'ingest.refused.not_geojson': (
        "Fichier refusé : ce n'est pas une FeatureCollection GeoJSON.",
        'File refused: not a GeoJSON FeatureCollection.'),
    'ingest.refused.personal_data': (
        "Fichier refusé en entier, rien n'a été enregistré : colonnes de données personnelles ({columns}). Retirez noms, téléphones et e-mails ; utilisez un code pseudonyme.",
        'File refused whole, nothing was stored: personal-data columns ({columns}). Remove names, phone numbers and e-mails; use a pseudonymous code.'),
    'ingest.refused.too_many_cells': (
        'Fichier refusé : {cells} cellules, au plus {max}.',
        'File refused: {cells} cells, at most {max}.'),
    'ingest.refused.too_many_columns': (
        'Fichier refusé : {columns} colonnes, au plus {max}.',
        'File refused: {columns} columns, at most {max}.'),
    'ingest.refused.too_many_rows': (
        'Fichier refusé : {rows} lignes, au plus {max} par import. Découpez-le.',
        'File refused: {rows} rows, at most {max} per import. Split it.'),
    'ingest.refused.too_slow': (
        'Fichier refusé : sa lecture dépasse {seconds} secondes.',
        'File refused: reading it takes more than {seconds} seconds.'),
    'ingest.refused.xlsx_bomb': (
        "Classeur refusé : une fois décompressé, il serait démesuré (fichier piégé ou abîmé). Rien n'a été lu.",
        'Workbook refused: uncompressed it would be enormous (a booby-trapped or damaged file). Nothing was read.'),
    'ingest.refused.xlsx_unreadable': (
        "Classeur XLSX illisible : le fichier est abîmé ou n'est pas un classeur Excel.",
        'XLSX workbook cannot be read: the file is damaged or is not an Excel workbook.'),
    'ingest.summary': (
        '{rows} {rows:ligne|lignes} : {accepted} {accepted:acceptée|acceptées}, {rejected} {rejected:rejetée|rejetées}, {duplicates} {duplicates:doublon|doublons}, {warnings} {warnings:avertissement|avertissements}.',
        '{rows} {rows:row|rows}: {accepted} accepted, {rejected} rejected, {duplicates} {duplicates:duplicate|duplicates}, {warnings} {warnings:warning|warnings}.'),
    'personal.kind.email': (
        'adresse e-mail',
        'e-mail address'),
    'personal.kind.name': (
        "nom ou coordonnées d'une personne",
        "a person's name or contact details"),
    'personal.kind.phone': (
        'numéro de téléphone',
        'phone number'),
}
