-- Where each projection of this schema stands in stream EVENTS, and the events it set aside.
-- Databases created before migrations tracked these tables already have them: IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS projection_positions (
    name     text PRIMARY KEY,
    position bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS projection_parked_events (
    projection text NOT NULL,
    seq        bigint NOT NULL,
    subject    text NOT NULL,
    error      text NOT NULL,
    parked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, seq)
);
