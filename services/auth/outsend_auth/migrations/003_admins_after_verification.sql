-- Signup used to store is_admin for an address of OUTSEND_ADMIN_EMAILS before it was verified.
-- Admin rights of configured addresses are now derived at each request from the list and the
-- verified address; the flags signup set on unverified accounts are withdrawn.
UPDATE users SET is_admin = false WHERE is_admin AND NOT email_verified;
