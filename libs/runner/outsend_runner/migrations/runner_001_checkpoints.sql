-- The runner's checkpoints in a worker's schema: rows of item jobs, units and found rows of
-- source jobs. Databases created before migrations tracked these tables already have them (some
-- without job_rows.error): IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS job_rows (
    job_id  text NOT NULL,
    idx     integer NOT NULL,
    part    integer NOT NULL,
    data    jsonb NOT NULL,
    failed  boolean NOT NULL,
    counted boolean NOT NULL,
    PRIMARY KEY (job_id, idx, part)
);
ALTER TABLE job_rows ADD COLUMN IF NOT EXISTS error text;

CREATE TABLE IF NOT EXISTS job_units (
    job_id     text NOT NULL,
    key        text NOT NULL,
    seq        bigserial,
    data       jsonb NOT NULL,
    parent     text,
    outcome    jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, key)
);
CREATE TABLE IF NOT EXISTS job_found_rows (
    job_id     text NOT NULL,
    key        text NOT NULL,
    seq        bigserial,
    data       jsonb NOT NULL,
    unit       text NOT NULL,
    PRIMARY KEY (job_id, key)
);
CREATE INDEX IF NOT EXISTS job_units_updated ON job_units (updated_at);
