/* fdnix-aws-call: send one signed request through FdnixAwsClient (a test
 * tool: the SigV4 verifier and the fault proxy tests drive real requests
 * of every service's flavour with it).
 *
 *   fdnix-aws-call --service s3 --endpoint URL --method PUT --path /b/k
 *                  [--query k=v]... [--header Name:value]... [--body TEXT]
 *                  [--unsigned-payload] [--operation NAME] [--action IAM]
 *
 * Credentials and region come from the usual chain.  Prints the status
 * and body; exits 0 for a 2xx answer, 1 with the error otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "aws/fdnix-aws-client.h"
#include "aws/fdnix-sigv4.h"
#include "core/fdnix-log.h"

int
main (int argc, char **argv)
{
  g_autofree gchar *service_name = NULL;
  g_autofree gchar *endpoint = NULL;
  g_autofree gchar *method = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *body = NULL;
  g_autofree gchar *operation = NULL;
  g_autofree gchar *action = NULL;
  g_auto(GStrv) query_args = NULL;
  g_auto(GStrv) header_args = NULL;
  gboolean unsigned_payload = FALSE;
  GOptionEntry entries[] = {
    { "service", 0, 0, G_OPTION_ARG_STRING, &service_name, "dynamodb, s3 or bedrock", "NAME" },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, "base URL", "URL" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, "HTTP method", "M" },
    { "path", 0, 0, G_OPTION_ARG_FILENAME, &path, "decoded path", "P" },
    { "query", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &query_args, "query parameter", "K=V" },
    { "header", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &header_args, "header", "NAME:VALUE" },
    { "body", 0, 0, G_OPTION_ARG_FILENAME, &body, "request body", "TEXT" },
    { "operation", 0, 0, G_OPTION_ARG_STRING, &operation, "operation name (default Call)", "NAME" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "IAM action (default service:operation)", "A" },
    { "unsigned-payload", 0, 0, G_OPTION_ARG_NONE, &unsigned_payload, "S3 UNSIGNED-PAYLOAD", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) query = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  g_autoptr(FdnixAwsCredentialsProvider) credentials = NULL;
  g_autoptr(FdnixAwsClient) client = NULL;
  g_autoptr(FdnixAwsResponse) response = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const FdnixAwsService *service;
  FdnixAwsRequest request = { 0 };

  fdnix_log_init ("fdnix-aws-call", FDNIX_LOG_FORMAT_TEXT, 0);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || endpoint == NULL || service_name == NULL)
    {
      fprintf (stderr, "usage: %s --service NAME --endpoint URL ...%s%s\n", argv[0],
               error != NULL ? ": " : "", error != NULL ? error->message : "");
      return 2;
    }
  if (g_str_equal (service_name, "s3"))
    service = &fdnix_aws_service_s3;
  else if (g_str_equal (service_name, "bedrock"))
    service = &fdnix_aws_service_bedrock_runtime;
  else
    service = &fdnix_aws_service_dynamodb;
  for (guint i = 0; query_args != NULL && query_args[i] != NULL; i++)
    {
      gchar *eq = strchr (query_args[i], '=');
      if (eq != NULL)
        *eq = '\0';
      g_ptr_array_add (query, fdnix_http_header_new (query_args[i], eq != NULL ? eq + 1 : ""));
    }
  for (guint i = 0; header_args != NULL && header_args[i] != NULL; i++)
    {
      gchar *colon = strchr (header_args[i], ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      g_ptr_array_add (headers, fdnix_http_header_new (header_args[i], colon + 1));
    }
  credentials = fdnix_aws_credentials_provider_get_default (NULL);
  client = fdnix_aws_client_new_full (service, g_getenv ("AWS_REGION") != NULL ? g_getenv ("AWS_REGION")
                                                                               : "us-east-1",
                                      endpoint, credentials, NULL, NULL);
  if (body != NULL)
    bytes = g_bytes_new (body, strlen (body));
  request.operation = operation != NULL ? operation : "Call";
  request.action = action;
  request.method = method != NULL ? method : "POST";
  request.path = path != NULL ? path : "/";
  request.query = query;
  request.headers = headers;
  request.body = bytes;
  request.flags = unsigned_payload ? FDNIX_SIGV4_UNSIGNED_PAYLOAD : 0;
  if (!fdnix_aws_client_call (client, &request, &response, &error))
    {
      g_autofree gchar *clean = fdnix_log_redact (error->message);
      fprintf (stderr, "error: %s\n", clean);
      return 1;
    }
  printf ("%u %.*s\n", response->status, (int) g_bytes_get_size (response->body),
          (const gchar *) g_bytes_get_data (response->body, NULL));
  return 0;
}
