"""Runtime glue shared by every service: one way to connect, consume, project, log and trace.

``outsend_contracts`` says *what* travels between services; this package says *how* a service
talks to NATS and Postgres. It holds no domain logic.
"""
