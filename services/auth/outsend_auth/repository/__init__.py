"""All SQL of the auth service, one module per domain; each repository takes the shared pool."""
