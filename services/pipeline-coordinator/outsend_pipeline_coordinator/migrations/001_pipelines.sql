-- Read model of the pipeline aggregate, rebuilt from stream EVENTS (evt.pipeline.>).
CREATE TABLE pipelines (
    id           text PRIMARY KEY,
    user_id      bigint NOT NULL,
    status       text NOT NULL,
    created_seq  bigint NOT NULL,
    version      bigint NOT NULL,
    active_jobs  integer NOT NULL,
    state        jsonb NOT NULL
);
CREATE INDEX pipelines_by_user ON pipelines (user_id, created_seq DESC);
CREATE INDEX pipelines_to_watch ON pipelines (status, active_jobs);

-- Which pipeline node each spawned job runs (every attempt), to route job outcomes.
CREATE TABLE pipeline_jobs (
    job_id       text PRIMARY KEY,
    pipeline_id  text NOT NULL,
    node_id      text NOT NULL
);
CREATE INDEX pipeline_jobs_by_pipeline ON pipeline_jobs (pipeline_id);
