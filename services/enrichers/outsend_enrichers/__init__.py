"""The enrichers service: item-driven modules on the module runner."""
