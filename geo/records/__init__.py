"""Field records: the store (schema, migrations, engine), who may do what, the audit log,
the personal-data screen, and the operations that write (reviews, actions, context ratings),
each with its audit entry."""
