"""Pure extractors: what a page says, read without I/O."""
