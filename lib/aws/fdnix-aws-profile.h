/* fdnix-aws-profile.h: the AWS shared configuration files.
 *
 * Reads one profile from ~/.aws/config (AWS_CONFIG_FILE; sections
 * "[default]" and "[profile NAME]") and ~/.aws/credentials
 * (AWS_SHARED_CREDENTIALS_FILE; sections "[NAME]"), the credentials file
 * winning for keys set in both, as the SDKs do.  Keys are lower-cased;
 * indented sub-properties ("s3 =" blocks) are skipped.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gchar      *fdnix_aws_profile_config_path      (void);
gchar      *fdnix_aws_profile_credentials_path (void);
GHashTable *fdnix_aws_profile_load             (const gchar *profile,
                                                gboolean    *out_found,
                                                GError     **error);
GHashTable *fdnix_aws_profile_parse            (const gchar *text,
                                                const gchar *profile,
                                                gboolean     config_file,
                                                gboolean    *out_found);

G_END_DECLS
