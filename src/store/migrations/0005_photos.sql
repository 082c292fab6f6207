-- 0005: photos — uploaded images in a content-addressed store on disk
-- (src/store/blobs.h: <photo dir>/ab/cd/<hash>) and their links to cases.
-- The bytes live only in files; these tables say what each file is, who
-- uploaded it and which records use it.

-- One row per distinct content. hash is the BLAKE2b-256 of the bytes (64
-- lowercase hex digits), mime what libmagic found in them.
CREATE TABLE photos (
    hash        TEXT PRIMARY KEY,
    mime        TEXT NOT NULL,               -- image/jpeg, image/png or image/webp
    bytes       INTEGER NOT NULL,
    width       INTEGER,                     -- pixels, from the header; NULL if not found
    height      INTEGER,
    uploaded_by INTEGER REFERENCES users(id), -- the first uploader
    created_at  INTEGER NOT NULL
);

-- Every user who uploaded these bytes, with their latest upload: a user may
-- reference (and read) only photos they uploaded themselves or that belong
-- to a record they may see.
CREATE TABLE photo_uploads (
    hash        TEXT NOT NULL REFERENCES photos(hash),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    at          INTEGER NOT NULL,
    PRIMARY KEY (hash, user_id)
);
CREATE INDEX photo_uploads_at ON photo_uploads(at);

-- The photos of a case, by stage (report: filed with the case; result:
-- sent with the handler's result) in the order given. Append-only, like
-- case_log: evidence is never taken back.
CREATE TABLE case_photos (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    stage       TEXT NOT NULL,
    position    INTEGER NOT NULL,            -- from 0 within the stage
    hash        TEXT NOT NULL REFERENCES photos(hash),
    added_by    INTEGER REFERENCES users(id),
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (case_id, stage, position)
);
CREATE INDEX case_photos_hash ON case_photos(hash);
CREATE TRIGGER case_photos_no_update BEFORE UPDATE ON case_photos
BEGIN SELECT RAISE(ABORT, 'case_photos is append-only'); END;
CREATE TRIGGER case_photos_no_delete BEFORE DELETE ON case_photos
BEGIN SELECT RAISE(ABORT, 'case_photos is append-only'); END;

-- Every use of a photo, whatever links it. The garbage collector
-- (`gridgov photos --gc`) keeps a photo while it appears here; a later
-- table that links photos (ballot scans) recreates this view with one more
-- UNION ALL branch.
CREATE VIEW photo_refs AS SELECT hash FROM case_photos;
