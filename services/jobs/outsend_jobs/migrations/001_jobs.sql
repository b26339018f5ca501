-- Read model of the job aggregate: one row per job, rebuilt from stream EVENTS.
CREATE TABLE jobs (
    id          text PRIMARY KEY,
    user_id     bigint NOT NULL,
    job_type    text NOT NULL,
    lane        text NOT NULL,
    status      text NOT NULL,
    created_seq bigint NOT NULL,
    version     bigint NOT NULL,
    pipeline_id text,
    expires_at  timestamptz,
    state       jsonb NOT NULL
);
CREATE INDEX jobs_by_user ON jobs (user_id, created_seq DESC);
CREATE INDEX jobs_by_status ON jobs (status, created_seq);
CREATE INDEX jobs_by_pipeline ON jobs (pipeline_id) WHERE pipeline_id IS NOT NULL;
