-- Bring-your-own-key AI (docs/ai.md). One connection per user: the provider key is stored
-- encrypted (Fernet, key derived from the server secret); key_hint is its last four characters.
CREATE TABLE ai_connections (
    user_id       bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    provider      text NOT NULL,
    model         text NOT NULL,
    base_url      text NOT NULL,
    key_encrypted bytea NOT NULL,
    key_hint      text NOT NULL,
    connected_at  timestamptz NOT NULL DEFAULT now()
);

-- Spending caps in micro-dollars. The row also serialises a user's reservations: a reservation
-- locks it (SELECT … FOR UPDATE), so two concurrent calls cannot both fit in the same room.
CREATE TABLE ai_caps (
    user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    per_request bigint NOT NULL,
    per_day     bigint NOT NULL,
    per_month   bigint NOT NULL
);

-- Every AI call: reserved at its worst-case estimate before the provider is called, then settled
-- at its real cost. A window's spend is the sum of cost (settled) or estimate (still reserved).
CREATE TABLE ai_calls (
    call_id       uuid PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    feature       text NOT NULL,
    provider      text NOT NULL,
    model         text NOT NULL,
    status        text NOT NULL CHECK (status IN ('reserved', 'settled', 'failed')),
    estimate      bigint,
    cost          bigint,
    priced        boolean NOT NULL,
    input_tokens  integer NOT NULL DEFAULT 0,
    output_tokens integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    settled_at    timestamptz
);
CREATE INDEX ai_calls_by_user ON ai_calls (user_id, created_at DESC);

-- Alerts already mailed: one per (window, level), so 80 % and 100 % are each sent once.
CREATE TABLE ai_alerts (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    window_kind  text NOT NULL CHECK (window_kind IN ('day', 'month')),
    window_start date NOT NULL,
    level        integer NOT NULL,
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, window_kind, window_start, level)
);
