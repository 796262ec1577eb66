# lib/ingest: see DESIGN in README
