"""The veille aggregate: a market watched on a cadence, its runs and their diffs."""
