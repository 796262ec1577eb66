# lib/store: see DESIGN in README
