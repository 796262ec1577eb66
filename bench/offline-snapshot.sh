# bench/offline-snapshot.sh: sourced by the search benchmarks.  With
# $corpus, $builddir, $srcdir and $cache set, brings the table and vectors of
# the corpus under $cache/offline up to date with the offline embedder (a
# rerun on the same corpus embeds nothing), and writes the relevance
# queries, one a line, to $cache/queries.txt.
mkdir -p "$cache"
: >"$cache/empty.conf"
export FDNIX_CONFIG="$cache/empty.conf" FDNIX_DATA_DIR="$cache/offline"
export FDNIX_IDF_FILE=${FDNIX_IDF_FILE:-$srcdir/data/fdnix-offline-idf.tsv.gz}
unset S3_BUCKET BEDROCK_MODEL_ID DYNAMODB_TABLE AWS_ENDPOINT_URL FDNIX_EMBEDDER OPENAI_BASE_URL 2>/dev/null || true
"$builddir/fdnix-metadata" --input "$corpus" --log-format=json 2>"$cache/bench-metadata.log" \
  || { tail -3 "$cache/bench-metadata.log" >&2; exit 1; }
"$builddir/fdnix-embed" --log-format=json 2>"$cache/bench-embed.log" \
  || { tail -3 "$cache/bench-embed.log" >&2; exit 1; }
# the query column (the third) of queries.tsv
grep -v '^#' "$srcdir/bench/relevance/queries.tsv" | grep -v '^$' | cut -f3 >"$cache/queries.txt"
