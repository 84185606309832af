-- 003_form_versions.sql: every form definition ever served, so a report stays readable with the labels of the version it was filled with.

CREATE TABLE form_version (
    form_id    text NOT NULL CHECK (form_id ~ '^[a-z][a-z0-9_]{0,39}$'),
    version    integer NOT NULL CHECK (version >= 1),
    definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
    first_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (form_id, version),
    CHECK (definition->>'id' = form_id AND (definition->>'version')::int = version)
);

GRANT SELECT, INSERT ON form_version TO tiengnoi_app;
