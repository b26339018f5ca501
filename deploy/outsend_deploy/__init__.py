"""Operating outsend: start the infrastructure and the services, supervise them, rebuild views."""
