/* fdnix-aws-actions.h: every AWS API call the fdnix programs make, as the
 * IAM action a policy must allow, with the programs that make it.
 *
 * The IAM policies in containers/ are tested against this list, and the
 * signed-request client warns when it makes a call that is not listed, so
 * a new call cannot ship without its permission.  One entry per line:
 *   X ("service:Action", "programs", "why")
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_AWS_ACTIONS(X) \
  X ("dynamodb:DescribeTable",  "fdnix-metadata fdnix-embed", "check the table and its key schema; wait for --create-table") \
  X ("dynamodb:CreateTable",    "fdnix-metadata",             "--create-table (development only)") \
  X ("dynamodb:Scan",           "fdnix-metadata fdnix-embed", "read keys and hashes before a sync; records to embed") \
  X ("dynamodb:BatchWriteItem", "fdnix-metadata",             "write changed records, delete vanished ones") \
  X ("dynamodb:UpdateItem",     "fdnix-embed",                "mark records embedded (conditional on the text hash)") \
  X ("s3:PutObject",            "fdnix-embed",                "vector batch files and the index") \
  X ("s3:GetObject",            "fdnix-embed",                "read the previous index and batch files") \
  X ("s3:ListBucket",           "fdnix-embed",                "list vector files (ListObjectsV2)") \
  X ("s3:DeleteObject",         "fdnix-embed",                "remove batch files no longer in the index") \
  X ("bedrock:InvokeModel",     "fdnix-embed",                "compute embeddings")

gboolean fdnix_aws_action_is_listed (const gchar *action);

G_END_DECLS
