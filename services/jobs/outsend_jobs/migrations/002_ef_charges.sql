-- EF charged to each account, one row per created job. Kept when the job is deleted or expires
-- (the month's consumption does not go back), and left alone by a projection rebuild, which
-- re-inserts the same rows.
CREATE TABLE ef_charges (
    job_id     text PRIMARY KEY,
    user_id    bigint NOT NULL,
    charged_at timestamptz NOT NULL,
    ef         double precision NOT NULL
);
CREATE INDEX ef_charges_by_user ON ef_charges (user_id, charged_at);
