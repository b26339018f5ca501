"""Veille (recurring monitoring): the events of its runs."""
