"""The jobs service: owns the job aggregate, its queue and its read model."""
