"""Social Rollout Tracker domain core: team, stages, metrics, tests, resource signal, store.

Plain Python over pandas/pyarrow; no Streamlit import anywhere in this package.
"""
