"""Transparency: period aggregates, equal-treatment figures and reports (CSV, JSON, HTML)."""
