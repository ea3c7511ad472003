-- antipersona PostgreSQL store, schema version 1: the tables of one
-- workspace. Open runs this in the workspace's own schema (search_path is
-- set to it), so no name here is schema-qualified.
--
-- The tables mirror duckdb/schema.sql. Every table that holds personal
-- activity has a contact_id column with an index on it, so that a contact's
-- rows can be exported and deleted by contact, and the schema distributed by
-- contact_id (see CITUS.md). Text columns use the "C" collation: values sort
-- byte by byte, as in DuckDB, whatever the database's locale (the features
-- order events by session_id, and ties must break the same way).
CREATE TABLE IF NOT EXISTS meta (key text COLLATE "C" PRIMARY KEY, value text);

CREATE TABLE IF NOT EXISTS traits (
    ident     text COLLATE "C" PRIMARY KEY,
    name      text NOT NULL,
    type      text NOT NULL,
    dimension text NOT NULL,
    pii       boolean NOT NULL,
    ordinal   integer NOT NULL
);

-- One row per contact and version: valid_from NULL is the contact as first
-- known (it always held); a later file ingested with --valid-from adds a
-- version that holds from then on. (contact_id, valid_from) is unique, NULL
-- included. Trait columns are added by ALTER TABLE as batches bring them.
CREATE TABLE IF NOT EXISTS contacts (
    contact_id text COLLATE "C" NOT NULL,
    valid_from timestamp,
    email      text COLLATE "C",
    phone      text COLLATE "C",
    created_at timestamp,
    outcome    boolean
);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_version ON contacts (contact_id, valid_from) NULLS NOT DISTINCT;

-- An anonymous id belongs to one contact: the first identity stored wins.
CREATE TABLE IF NOT EXISTS identities (
    anonymous_id text COLLATE "C" PRIMARY KEY,
    contact_id   text COLLATE "C" NOT NULL,
    ts           timestamp
);
CREATE INDEX IF NOT EXISTS identities_contact ON identities (contact_id);

-- Keyed rows are stored once: a later row with the same key is a duplicate.
-- contact_id is NULL for anonymous rows (anonymous_id only); those are found
-- through identities.
CREATE TABLE IF NOT EXISTS events (
    message_id   text COLLATE "C" PRIMARY KEY,
    contact_id   text COLLATE "C",
    anonymous_id text COLLATE "C",
    type         text COLLATE "C" NOT NULL,
    event        text COLLATE "C",
    ts           timestamp NOT NULL,
    session_id   text COLLATE "C",
    duration     double precision,
    rating       double precision,
    properties   text
);
CREATE INDEX IF NOT EXISTS events_contact ON events (contact_id);
CREATE INDEX IF NOT EXISTS events_anonymous ON events (anonymous_id) WHERE anonymous_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS orders (
    order_id      text COLLATE "C" PRIMARY KEY,
    contact_id    text COLLATE "C",
    anonymous_id  text COLLATE "C",
    ts            timestamp NOT NULL,
    revenue       double precision NOT NULL,
    margin        double precision,
    cost_of_goods double precision,
    discount      double precision NOT NULL,
    status        text COLLATE "C" NOT NULL,
    channel       text COLLATE "C",
    source        text COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_contact ON orders (contact_id);
CREATE INDEX IF NOT EXISTS orders_anonymous ON orders (anonymous_id) WHERE anonymous_id IS NOT NULL;

-- amount NULL means "the whole order".
CREATE TABLE IF NOT EXISTS returns (
    return_id    text COLLATE "C" PRIMARY KEY,
    order_id     text COLLATE "C",
    contact_id   text COLLATE "C",
    anonymous_id text COLLATE "C",
    ts           timestamp NOT NULL,
    amount       double precision,
    kind         text COLLATE "C" NOT NULL,
    source       text COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS returns_contact ON returns (contact_id);
CREATE INDEX IF NOT EXISTS returns_anonymous ON returns (anonymous_id) WHERE anonymous_id IS NOT NULL;

-- contact_id NULL: campaign or channel spend, allocated over touches.
CREATE TABLE IF NOT EXISTS costs (
    row_key    text COLLATE "C" PRIMARY KEY,
    contact_id text COLLATE "C",
    campaign   text COLLATE "C",
    channel    text COLLATE "C",
    ts         timestamp,
    amount     double precision NOT NULL,
    kind       text COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS costs_contact ON costs (contact_id);

CREATE TABLE IF NOT EXISTS touches (
    row_key    text COLLATE "C" PRIMARY KEY,
    contact_id text COLLATE "C" NOT NULL,
    campaign   text COLLATE "C",
    channel    text COLLATE "C",
    ts         timestamp
);
CREATE INDEX IF NOT EXISTS touches_contact ON touches (contact_id);

CREATE TABLE IF NOT EXISTS survey_answers (
    row_key     text COLLATE "C" PRIMARY KEY,
    contact_id  text COLLATE "C" NOT NULL,
    question_id text COLLATE "C" NOT NULL,
    question    text,
    answer      text NOT NULL,
    language    text COLLATE "C",
    ts          timestamp
);
CREATE INDEX IF NOT EXISTS survey_answers_contact ON survey_answers (contact_id);

CREATE TABLE IF NOT EXISTS ingests (
    id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL,
    file         text NOT NULL,
    started_at   timestamp NOT NULL,
    finished_at  timestamp NOT NULL,
    read_rows    bigint NOT NULL,
    loaded       bigint NOT NULL,
    rejected     bigint NOT NULL,
    duplicates   bigint NOT NULL,
    rejects_file text
);

-- ids are 1, 2, ... in build order (Build numbers them under a lock).
CREATE TABLE IF NOT EXISTS builds (
    id          bigint PRIMARY KEY,
    as_of       date NOT NULL,
    started_at  timestamp NOT NULL,
    finished_at timestamp NOT NULL,
    contacts    bigint NOT NULL,
    config_hash text NOT NULL
);

-- The CLV models' predictions of the last build, one row per contact with
-- an order (filled by the build before the features, which join it).
CREATE TABLE IF NOT EXISTS clv_predictions (
    contact_id          text COLLATE "C" PRIMARY KEY,
    predicted_purchases double precision,
    p_alive             double precision,
    predicted_revenue   double precision
);

-- One row per contact and build: the decision of that build. Rows of every
-- build are kept: each build is a snapshot.
CREATE TABLE IF NOT EXISTS decisions (
    build_id       bigint NOT NULL,
    contact_id     text COLLATE "C" NOT NULL,
    action         text NOT NULL,
    buyer          boolean NOT NULL,
    probability    double precision,
    value          double precision,
    cost           double precision,
    expected_value double precision,
    reasons        text, -- JSON array of antipersona.Reason
    sentence       text,
    excluded_since date,
    rfm_segment    text,
    lifecycle      text,
    personas       text,
    negatives      text,
    kinds          text,
    frequency      double precision,
    monetary       double precision,
    PRIMARY KEY (contact_id, build_id)
);

-- The personas of every build.
CREATE TABLE IF NOT EXISTS persona_snapshots (
    build_id bigint NOT NULL,
    ordinal  integer NOT NULL,
    id       text NOT NULL,
    kind     text NOT NULL,
    doc      text NOT NULL,
    PRIMARY KEY (build_id, ordinal)
);

-- Audience exports: every export of an audience (by name), and the members
-- of its last one, which an incremental export diffs against.
CREATE TABLE IF NOT EXISTS audience_exports (
    name        text NOT NULL,
    exported_at timestamp NOT NULL,
    build_id    bigint NOT NULL,
    format      text NOT NULL,
    filter      text NOT NULL,
    members     bigint NOT NULL,
    added       bigint NOT NULL,
    removed     bigint NOT NULL,
    incremental boolean NOT NULL,
    file        text
);

CREATE TABLE IF NOT EXISTS audience_members (
    name       text COLLATE "C" NOT NULL,
    contact_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (contact_id, name)
);

-- Who changed or exported what (the server's audit log). Never holds
-- personal data beyond the id of the contact an action was about. seq
-- orders the entries (newest last).
CREATE TABLE IF NOT EXISTS audit_log (
    seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts        timestamp NOT NULL,
    workspace text NOT NULL,
    key_id    text NOT NULL,
    role      text,
    action    text NOT NULL,
    target    text,
    status    integer NOT NULL,
    detail    text
);

-- Contacts deleted on request: the SHA-256 (hex) of the id, never the id.
-- Later writes of rows of these contacts are refused until re-consent.
CREATE TABLE IF NOT EXISTS forgotten (
    id_hash      text COLLATE "C" PRIMARY KEY,
    forgotten_at timestamp NOT NULL
);
