"""The shared language of outsend.

Every message that crosses a service boundary, every subject it travels on, the stream and
consumer declarations, the module registry, the public JSON shapes and the French error
messages are defined here once. This package performs no I/O.
"""

SCHEMA_VERSION = 1
"""Version carried by every message payload (``schema_version``)."""
