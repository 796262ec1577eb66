/* fdnix-objects-s3.h: objects in an S3 bucket (or an S3-compatible server).
 *
 * PutObject (payload hash signed in x-amz-content-sha256), GetObject,
 * ListObjectsV2 (one "folder" level, every page) and DeleteObject, signed
 * by lib/aws and retried under its policy.  Against AWS the bucket is
 * addressed virtual-host style (<bucket>.s3.<region>.amazonaws.com);
 * with an endpoint override (MinIO, s3rver, LocalStack) or a bucket name
 * with dots, path style (<endpoint>/<bucket>/<key>).  An optional key
 * prefix puts everything under a "folder" of the bucket.
 */
#pragma once

#include "vectors/fdnix-objects.h"

G_BEGIN_DECLS

#define FDNIX_TYPE_OBJECTS_S3 (fdnix_objects_s3_get_type ())
G_DECLARE_FINAL_TYPE (FdnixObjectsS3, fdnix_objects_s3, FDNIX, OBJECTS_S3, GObject)

FdnixObjects *fdnix_objects_s3_new        (FdnixConfig  *config,
                                           const gchar  *bucket,
                                           const gchar  *prefix,
                                           gboolean      path_style,
                                           GError      **error);
gboolean      fdnix_s3_parse_list         (const gchar  *xml,
                                           gsize         length,
                                           GPtrArray    *out_objects,
                                           gboolean     *out_truncated,
                                           gchar       **out_continuation,
                                           GError      **error);

G_END_DECLS
