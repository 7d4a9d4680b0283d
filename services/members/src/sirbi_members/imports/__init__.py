"""Bulk import of a national library directory from CSV, as a job with progress and a report."""
