-- Who used which invitation code, when the user last logged in.
ALTER TABLE users ADD COLUMN invitation_code text;
ALTER TABLE users ADD COLUMN last_login_at timestamptz;

-- Invitation codes: created by admins, or the codes of OUTSEND_INVITE_CODES (source 'config',
-- a row appears at their first use so that their uses are counted too).
CREATE TABLE invitation_codes (
    code        text PRIMARY KEY,           -- upper case
    source      text NOT NULL CHECK (source IN ('admin', 'config')),
    uses        integer NOT NULL DEFAULT 0,
    max_uses    integer CHECK (max_uses IS NULL OR max_uses > 0),
    expires_at  timestamptz,
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- API keys: the key is shown once; the row keeps its SHA-256 and its first characters.
CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);
CREATE INDEX api_keys_by_user ON api_keys (user_id);

-- Sliding-window rate limits shared by every replica: one row per counted attempt. The key is
-- an HMAC of the limited identity (IP, email, user id), never the identity itself.
CREATE TABLE rate_limit_hits (
    scope text NOT NULL,
    key   bytea NOT NULL,
    at    timestamptz NOT NULL
);
CREATE INDEX rate_limit_hits_window ON rate_limit_hits (scope, key, at);
CREATE INDEX rate_limit_hits_age ON rate_limit_hits (at);

-- Feedback: threads between a user and the admins. When the user deletes their account the
-- thread stays, anonymised (user_id and author_user_id become NULL).
CREATE TABLE feedback_threads (
    id              bigserial PRIMARY KEY,
    user_id         bigint REFERENCES users (id) ON DELETE SET NULL,
    type            text NOT NULL CHECK (type IN ('bug', 'feature', 'other')),
    topic           text NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_read_user  timestamptz,
    last_read_admin timestamptz
);
CREATE INDEX feedback_threads_by_user ON feedback_threads (user_id, id DESC);
CREATE INDEX feedback_threads_by_topic ON feedback_threads (topic, status);

CREATE TABLE feedback_messages (
    id             bigserial PRIMARY KEY,
    thread_id      bigint NOT NULL REFERENCES feedback_threads (id) ON DELETE CASCADE,
    author_role    text NOT NULL CHECK (author_role IN ('user', 'admin')),
    author_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    message        text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_messages_by_thread ON feedback_messages (thread_id, id);

-- Interest votes for coming-soon modules.
CREATE TABLE feature_votes (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    feature_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, feature_id)
);
CREATE INDEX feature_votes_by_feature ON feature_votes (feature_id);

CREATE INDEX tokens_by_user ON tokens (user_id, purpose);
