# lib/aws: see DESIGN in README
