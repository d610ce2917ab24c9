"""Pure types and rules: no files, no database, no Streamlit."""
