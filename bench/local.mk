# bench: scripts that print figures (never timed tests).
EXTRA_DIST += \
	bench/compare.sh \
	bench/dynamodb-clients.py \
	bench/dynamodb.sh \
	bench/embed.sh \
	bench/latency-proxy.js \
	bench/metadata.sh \
	bench/offline-snapshot.sh \
	bench/relevance/README \
	bench/relevance/check-queries.py \
	bench/relevance/queries.tsv \
	bench/relevance/relevance.sh \
	bench/relevance/score.py \
	bench/search.sh \
	bench/serve.lua \
	bench/serve.sh \
	$(NULL)
