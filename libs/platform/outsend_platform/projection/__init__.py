"""Read models in Postgres built from the event log: the runner that follows the stream
(:mod:`.runner`), the fold of an aggregate into one row (:mod:`.fold`), and what a service owning
projections declares and runs (:mod:`.owner`)."""

from outsend_platform.projection.fold import FoldProjection, FoldTable
from outsend_platform.projection.runner import MIGRATIONS, Projection, ProjectionRunner

__all__ = ["MIGRATIONS", "FoldProjection", "FoldTable", "Projection", "ProjectionRunner"]
