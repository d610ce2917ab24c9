"""End-to-end journeys: a real headless Chromium against ``streamlit run app.py``."""
