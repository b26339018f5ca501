-- Read model of the veille aggregate, rebuilt from stream EVENTS (evt.veille.>).
CREATE TABLE veilles (
    id           bigint PRIMARY KEY,
    user_id      bigint NOT NULL,
    status       text NOT NULL,
    next_run_at  timestamptz NOT NULL,
    running      integer NOT NULL,
    version      bigint NOT NULL,
    state        jsonb NOT NULL
);
CREATE INDEX veilles_by_user ON veilles (user_id, id DESC);
CREATE INDEX veilles_due ON veilles (status, running, next_run_at);

-- Each run of a veille as its events tell it (rebuilt with the veilles).
CREATE TABLE veille_runs (
    id                bigint PRIMARY KEY,
    veille_id         bigint NOT NULL,
    user_id           bigint NOT NULL,
    job_id            text NOT NULL UNIQUE,
    pipeline          boolean NOT NULL,
    manual            boolean NOT NULL,
    due_at            timestamptz NOT NULL,
    status            text NOT NULL,
    started_at        timestamptz NOT NULL,
    summary           jsonb,
    error_message     text
);
CREATE INDEX veille_runs_by_veille ON veille_runs (veille_id, id DESC);

-- What a completed run computed (not rebuilt from events: kept as computed): the capped samples,
-- the ranked signals, and the run's snapshot that the next run is compared with.
CREATE TABLE veille_run_details (
    run_id      bigint PRIMARY KEY,
    veille_id   bigint NOT NULL,
    user_id     bigint NOT NULL,
    samples     jsonb NOT NULL,
    signals     jsonb NOT NULL,
    snapshot    bytea NOT NULL
);
CREATE INDEX veille_run_details_by_veille ON veille_run_details (veille_id);

-- Ids are integers (Veille API page): one sequence each; a create request is answered once.
CREATE SEQUENCE veille_ids;
CREATE SEQUENCE veille_run_ids;
CREATE TABLE veille_requests (
    request_id  text PRIMARY KEY,
    veille_id   bigint NOT NULL
);
