# lib/search: loading vectors and ranking for fdnix-search
