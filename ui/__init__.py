"""Streamlit glue shared by the pages: the open workspace, cached analysis, charts."""
