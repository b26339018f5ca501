"""The auth service: accounts, sessions, email verification, mail."""
