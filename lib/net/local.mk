# lib/net: see DESIGN in README
