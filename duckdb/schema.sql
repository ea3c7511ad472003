-- antipersona embedded store, schema version 1.
-- Every table is keyed by its natural id (or a content key), and every table
-- that holds personal activity carries contact_id so that it can be
-- distributed, exported and deleted by contact.
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS traits (
    ident     VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    type      VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    pii       BOOLEAN NOT NULL,
    ordinal   INTEGER NOT NULL
);

-- One row per contact and version: valid_from NULL is the contact as first
-- known (it always held); a later file ingested with --valid-from adds a
-- version that holds from then on. (contact_id, valid_from) is unique.
-- Trait columns are added by ALTER TABLE as files bring them.
CREATE TABLE IF NOT EXISTS contacts (
    contact_id VARCHAR NOT NULL,
    valid_from TIMESTAMP,
    email      VARCHAR,
    phone      VARCHAR,
    created_at TIMESTAMP,
    outcome    BOOLEAN
);

CREATE TABLE IF NOT EXISTS identities (
    anonymous_id VARCHAR PRIMARY KEY,
    contact_id   VARCHAR NOT NULL,
    ts           TIMESTAMP
);

-- mid = md5_number(message_id), the dedupe key. There is no index on it (nor
-- on the rk keys below): at tens of millions of rows an index costs more to
-- maintain than the semi join that WriteBatch uses to find the keys already
-- stored.
CREATE TABLE IF NOT EXISTS events (
    mid          UHUGEINT NOT NULL,
    message_id   VARCHAR NOT NULL,
    contact_id   VARCHAR,
    anonymous_id VARCHAR,
    type         VARCHAR NOT NULL,
    event        VARCHAR,
    ts           TIMESTAMP NOT NULL,
    session_id   VARCHAR,
    duration     DOUBLE,
    rating       DOUBLE,
    properties   VARCHAR
);

CREATE TABLE IF NOT EXISTS orders (
    ok            UHUGEINT NOT NULL, -- md5_number(order_id), the dedupe key
    order_id      VARCHAR NOT NULL,
    contact_id    VARCHAR,
    anonymous_id  VARCHAR,
    ts            TIMESTAMP NOT NULL,
    revenue       DOUBLE NOT NULL,
    margin        DOUBLE,
    cost_of_goods DOUBLE,
    discount      DOUBLE NOT NULL,
    status        VARCHAR NOT NULL,
    channel       VARCHAR,
    source        VARCHAR NOT NULL
);

-- amount NULL means "the whole order".
CREATE TABLE IF NOT EXISTS returns (
    rk           UHUGEINT NOT NULL, -- md5_number(return_id), the dedupe key
    return_id    VARCHAR NOT NULL,
    order_id     VARCHAR,
    contact_id   VARCHAR,
    anonymous_id VARCHAR,
    ts           TIMESTAMP NOT NULL,
    amount       DOUBLE,
    kind         VARCHAR NOT NULL,
    source       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS costs (
    rk         UHUGEINT NOT NULL, -- md5_number(row_key), the dedupe key
    row_key    VARCHAR NOT NULL,
    contact_id VARCHAR,
    campaign   VARCHAR,
    channel    VARCHAR,
    ts         TIMESTAMP,
    amount     DOUBLE NOT NULL,
    kind       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS touches (
    rk         UHUGEINT NOT NULL, -- md5_number(row_key), the dedupe key
    row_key    VARCHAR NOT NULL,
    contact_id VARCHAR NOT NULL,
    campaign   VARCHAR,
    channel    VARCHAR,
    ts         TIMESTAMP
);

CREATE TABLE IF NOT EXISTS survey_answers (
    rk          UHUGEINT NOT NULL, -- md5_number(row_key), the dedupe key
    row_key     VARCHAR NOT NULL,
    contact_id  VARCHAR NOT NULL,
    question_id VARCHAR NOT NULL,
    question    VARCHAR,
    answer      VARCHAR NOT NULL,
    language    VARCHAR,
    ts          TIMESTAMP
);

CREATE TABLE IF NOT EXISTS ingests (
    id           BIGINT PRIMARY KEY,
    kind         VARCHAR NOT NULL,
    file         VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP NOT NULL,
    read_rows    BIGINT NOT NULL,
    loaded       BIGINT NOT NULL,
    rejected     BIGINT NOT NULL,
    duplicates   BIGINT NOT NULL,
    rejects_file VARCHAR
);

CREATE TABLE IF NOT EXISTS builds (
    id          BIGINT PRIMARY KEY,
    as_of       DATE NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    contacts    BIGINT NOT NULL,
    config_hash VARCHAR NOT NULL
);

-- The CLV models' predictions of the last build, one row per contact with
-- an order (filled by the build before the features, which join it).
CREATE TABLE IF NOT EXISTS clv_predictions (
    contact_id          VARCHAR NOT NULL,
    predicted_purchases DOUBLE,
    p_alive             DOUBLE,
    predicted_revenue   DOUBLE
);

-- One row per contact and build: the decision of that build with what
-- `changes` compares between builds (persona ids '|'-separated). Rows of
-- every build are kept: each build is a snapshot.
CREATE TABLE IF NOT EXISTS decisions (
    build_id       BIGINT NOT NULL,
    contact_id     VARCHAR NOT NULL,
    action         VARCHAR NOT NULL,
    buyer          BOOLEAN NOT NULL,
    probability    DOUBLE,
    value          DOUBLE,
    cost           DOUBLE,
    expected_value DOUBLE,
    reasons        VARCHAR, -- JSON array of antipersona.Reason
    sentence       VARCHAR,
    excluded_since DATE,
    rfm_segment    VARCHAR,
    lifecycle      VARCHAR,
    personas       VARCHAR,
    negatives      VARCHAR,
    kinds          VARCHAR,
    frequency      DOUBLE,
    monetary       DOUBLE
);

-- The personas of every build (the personas table holds the last one's).
CREATE TABLE IF NOT EXISTS persona_snapshots (
    build_id BIGINT NOT NULL,
    ordinal  INTEGER NOT NULL,
    id       VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    doc      VARCHAR NOT NULL
);

-- Audience exports: every export of an audience (by name), and the members
-- of its last one, which an incremental export diffs against.
CREATE TABLE IF NOT EXISTS audience_exports (
    name        VARCHAR NOT NULL,
    exported_at TIMESTAMP NOT NULL,
    build_id    BIGINT NOT NULL,
    format      VARCHAR NOT NULL,
    filter      VARCHAR NOT NULL,
    members     BIGINT NOT NULL,
    added       BIGINT NOT NULL,
    removed     BIGINT NOT NULL,
    incremental BOOLEAN NOT NULL,
    file        VARCHAR
);

CREATE TABLE IF NOT EXISTS audience_members (
    name       VARCHAR NOT NULL,
    contact_id VARCHAR NOT NULL
);

-- Who changed or exported what (the server's audit log). Never holds
-- personal data beyond the id of the contact an action was about.
CREATE TABLE IF NOT EXISTS audit_log (
    ts        TIMESTAMP NOT NULL,
    seq       BIGINT NOT NULL,
    workspace VARCHAR NOT NULL,
    key_id    VARCHAR NOT NULL,
    role      VARCHAR,
    action    VARCHAR NOT NULL,
    target    VARCHAR,
    status    INTEGER NOT NULL,
    detail    VARCHAR
);

-- Contacts deleted on request: the SHA-256 (hex) of the id, never the id.
-- Later writes of rows of these contacts are refused until re-consent.
CREATE TABLE IF NOT EXISTS forgotten (
    id_hash      VARCHAR PRIMARY KEY,
    forgotten_at TIMESTAMP NOT NULL
);
