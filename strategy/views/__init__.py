"""Rows and frames that the report, the command line and the pages show."""
