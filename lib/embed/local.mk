# lib/embed: see DESIGN in README
