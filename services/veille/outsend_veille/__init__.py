"""The veille service: Veille: scheduled re-runs of a market, diffs and reputation signals."""
