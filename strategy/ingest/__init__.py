"""Files to weekly tables: readers, layouts, events, the platforms' own exports, mappings."""
