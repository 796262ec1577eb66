# bench: scripts that print figures (never timed tests).
EXTRA_DIST += bench/metadata.sh bench/serve.sh bench/serve.lua
