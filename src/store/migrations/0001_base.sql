-- 0001: places, registry, users, sessions, audit log, idempotency.
-- Every registry row carries `place`, the code of the most specific place
-- it belongs to (a grid code for buildings, households and residents); a
-- user's scope is a code prefix, so scope checks are one indexed LIKE.

CREATE TABLE places (
    code        TEXT PRIMARY KEY,
    level       INTEGER NOT NULL,           -- 3 county, 4 street, 5 community, 6 grid
    parent      TEXT REFERENCES places(code),
    name        TEXT NOT NULL,              -- official name
    short_name  TEXT NOT NULL,              -- display name (居委会 suffix stripped)
    kind        TEXT NOT NULL DEFAULT '',   -- street, town, zone, community, village, grid
    virtual     INTEGER NOT NULL DEFAULT 0, -- special zone or virtual community
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX places_parent ON places(parent);

CREATE TABLE estates (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- community (or grid)
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    developer   TEXT NOT NULL DEFAULT '',
    property_company TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX estates_place ON estates(place);

CREATE TABLE buildings (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- grid
    estate_id   INTEGER REFERENCES estates(id),
    name        TEXT NOT NULL,              -- e.g. "3号楼"
    address     TEXT NOT NULL DEFAULT '',
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    floors      INTEGER NOT NULL DEFAULT 0,
    units       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX buildings_place ON buildings(place);
CREATE INDEX buildings_estate ON buildings(estate_id);

-- One exclusive unit (专有部分).
CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- grid
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    unit        TEXT NOT NULL DEFAULT '',   -- 单元
    room        TEXT NOT NULL,              -- 室
    area_centi  INTEGER NOT NULL,           -- registered area, hundredths of m²
    area_source TEXT NOT NULL DEFAULT 'registered', -- registered, surveyed, contract
    address     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (building_id, unit, room)
);
CREATE INDEX households_place ON households(place);

CREATE TABLE residents (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- grid
    household_id INTEGER NOT NULL REFERENCES households(id),
    name        TEXT NOT NULL,
    id_number   TEXT,
    id_tail     TEXT NOT NULL DEFAULT '',   -- last 4 characters, for search
    phone       TEXT,
    phone_tail  TEXT NOT NULL DEFAULT '',   -- last 4 digits, for search
    relation    TEXT NOT NULL DEFAULT 'head', -- relation to household head
    is_owner    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX residents_place ON residents(place);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_phone_tail ON residents(phone_tail);
CREATE INDEX residents_id_tail ON residents(id_tail);
CREATE UNIQUE INDEX residents_id_number ON residents(id_number) WHERE id_number IS NOT NULL;

-- Owners of an exclusive unit: a person or an organisation (the developer).
-- Co-owners are several rows for one household. owner_key identifies one
-- owner across units (ID number or organisation code) for the headcount rule.
CREATE TABLE owners (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),
    household_id INTEGER NOT NULL REFERENCES households(id),
    kind        TEXT NOT NULL,              -- person, organisation, developer
    name        TEXT NOT NULL,
    id_number   TEXT,                       -- person
    id_tail     TEXT NOT NULL DEFAULT '',
    org_code    TEXT,                       -- organisation (unified social credit code)
    resident_id INTEGER REFERENCES residents(id),
    owner_key   TEXT NOT NULL,
    handed_over INTEGER NOT NULL DEFAULT 1, -- developer units: 0 = unsold or not handed over
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX owners_place ON owners(place);
CREATE INDEX owners_household ON owners(household_id);
CREATE INDEX owners_key ON owners(owner_key);

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- grid or community
    name        TEXT NOT NULL,
    phone       TEXT,
    phone_tail  TEXT NOT NULL DEFAULT '',
    id_number   TEXT,
    id_tail     TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL,   -- grid_chief, fulltime, parttime, volunteer, wulao
    on_duty     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX staff_place ON staff(place);

CREATE TABLE paired_units (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- community
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',   -- government, state enterprise, school...
    contact     TEXT NOT NULL DEFAULT '',
    phone       TEXT,
    phone_tail  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX paired_units_place ON paired_units(place);

CREATE TABLE enterprises (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- community
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL DEFAULT '',
    industry    TEXT NOT NULL DEFAULT '',
    party_linked INTEGER NOT NULL DEFAULT 0,
    contact     TEXT NOT NULL DEFAULT '',
    phone       TEXT,
    phone_tail  TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX enterprises_place ON enterprises(place);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    login       TEXT NOT NULL UNIQUE,
    pw_hash     TEXT NOT NULL,
    role        TEXT NOT NULL,
    place       TEXT NOT NULL REFERENCES places(code),
    display_name TEXT NOT NULL DEFAULT '',
    staff_id    INTEGER REFERENCES staff(id),
    resident_id INTEGER REFERENCES residents(id),
    department  TEXT NOT NULL DEFAULT '',
    disabled    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,           -- BLAKE2b of the token, hex
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0
);

-- Append-only: the triggers refuse changes to written rows.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    user_id     INTEGER,
    login       TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,              -- create, update, delete, reveal, login, ...
    resource    TEXT NOT NULL,
    object_id   TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_place ON audit_log(place);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE idempotency (
    user_id     INTEGER NOT NULL,
    key         TEXT NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    body_hash   TEXT NOT NULL,
    status      INTEGER NOT NULL,
    response    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
