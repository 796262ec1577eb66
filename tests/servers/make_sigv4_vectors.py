#!/usr/bin/python3
"""Derive SigV4 test vectors for fdnix's own requests with botocore.

Writes tests/data/aws/sigv4/<case>/ in the layout of the AWS SigV4 test
suite (context.json, request.txt, header-canonical-request.txt,
header-string-to-sign.txt, header-signature.txt, header-signed-request.txt),
so check-sigv4 reads both with one loader.  botocore (Debian's
python3-botocore) is the independent implementation; run with
/usr/bin/python3 when the vectors need to change:

    /usr/bin/python3 tests/servers/make_sigv4_vectors.py tests/data/aws/sigv4
"""

import json
import os
import sys

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TIMESTAMP = "20261129T081502Z"
KEY = ("AKIDFDNIXVECTOR00001", "fdnixVectorSecret/Key+0000000000000000000")
TOKEN = "IQoJb3JpZ2luX2VjEFdnixVectorSessionToken//////////+Example=="

CASES = [
    {
        "name": "dynamodb-batch-write-token",
        "service": "dynamodb", "region": "eu-west-1", "token": True,
        "method": "POST", "scheme": "https", "host": "dynamodb.eu-west-1.amazonaws.com",
        "path": "/", "query": [],
        "headers": [("Content-Type", "application/x-amz-json-1.0"),
                    ("X-Amz-Target", "DynamoDB_20120810.BatchWriteItem")],
        "body": '{"RequestItems":{"fdnix-packages":[{"PutRequest":{"Item":'
                '{"packageName":{"S":"hello"},"version":{"S":"2.12.1"},'
                '"description":{"S":"caf\u00e9 \u2014 \U0001f600"}}}}]}}',
        "flags": {"normalize": True, "double_encode": True},
    },
    {
        "name": "dynamodb-local-port",
        "service": "dynamodb", "region": "us-east-1", "token": False,
        "method": "POST", "scheme": "http", "host": "127.0.0.1:8000",
        "path": "/", "query": [],
        "headers": [("Content-Type", "application/x-amz-json-1.0"),
                    ("X-Amz-Target", "DynamoDB_20120810.Scan")],
        "body": '{"TableName":"fdnix-packages","Segment":1,"TotalSegments":4}',
        "flags": {"normalize": True, "double_encode": True},
    },
    {
        "name": "bedrock-invoke-colon-path",
        "service": "bedrock", "region": "us-west-2", "token": True,
        "method": "POST", "scheme": "https", "host": "bedrock-runtime.us-west-2.amazonaws.com",
        "path": "/model/amazon.titan-embed-text-v2:0/invoke", "query": [],
        "headers": [("Content-Type", "application/json"), ("Accept", "application/json")],
        "body": '{"inputText":"a  text   with  spaces","dimensions":1024}',
        "flags": {"normalize": True, "double_encode": True},
    },
    {
        "name": "s3-put-object-content-sha256",
        "service": "s3", "region": "us-east-1", "token": False,
        "method": "PUT", "scheme": "https", "host": "s3.us-east-1.amazonaws.com",
        "path": "/fdnix-vectors/vectors/batch_20261129T0815_000001.json.gz", "query": [],
        "headers": [("Content-Type", "application/gzip")],
        "body": "\x1f\x8b binary-ish body",
        "flags": {"normalize": False, "double_encode": False, "sign_body": True},
    },
    {
        "name": "s3-list-unsigned-payload",
        "service": "s3", "region": "eu-central-1", "token": True,
        "method": "GET", "scheme": "https", "host": "fdnix-vectors.s3.eu-central-1.amazonaws.com",
        "path": "/", "query": [("list-type", "2"), ("prefix", "vectors/batch 1"),
                               ("continuation-token", "a/b+c=")],
        "headers": [],
        "body": "",
        "flags": {"normalize": False, "double_encode": False, "sign_body": True,
                  "unsigned_payload": True},
    },
]


def sign(case):
    creds = Credentials(KEY[0], KEY[1], TOKEN if case["token"] else None)
    s3 = case["service"] == "s3"
    auth = (S3SigV4Auth if s3 else SigV4Auth)(creds, case["service"], case["region"])
    from urllib.parse import quote, urlencode
    url = "%s://%s%s" % (case["scheme"], case["host"], quote(case["path"], safe="/~"))
    if case["query"]:
        url += "?" + "&".join("%s=%s" % (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
                              for k, v in case["query"])
    body = case["body"].encode("utf-8")
    request = AWSRequest(method=case["method"], url=url, data=body,
                         headers=dict(case["headers"]))
    request.context["timestamp"] = TIMESTAMP
    auth._modify_request_before_signing(request)
    if case["flags"].get("unsigned_payload"):
        # botocore uses the header's value as the payload hash when present
        del request.headers["X-Amz-Content-SHA256"]
        request.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    creq = auth.canonical_request(request)
    sts = auth.string_to_sign(request, creq)
    sig = auth.signature(sts, request)
    auth._inject_signature_to_request(request, sig)
    return request, body, creq, sts, sig


def write(outdir, case):
    request, body, creq, sts, sig = sign(case)
    d = os.path.join(outdir, case["name"])
    os.makedirs(d, exist_ok=True)
    context = {
        "credentials": {"access_key_id": KEY[0], "secret_access_key": KEY[1]},
        "expiration_in_seconds": 3600,
        "region": case["region"], "service": case["service"],
        "timestamp": "%s-%s-%sT%s:%s:%sZ" % (TIMESTAMP[0:4], TIMESTAMP[4:6], TIMESTAMP[6:8],
                                             TIMESTAMP[9:11], TIMESTAMP[11:13], TIMESTAMP[13:15]),
        "sign_body": case["flags"].get("sign_body", False),
        "normalize": case["flags"]["normalize"],
        "double_encode": case["flags"]["double_encode"],
        "unsigned_payload": case["flags"].get("unsigned_payload", False),
        "generated_by": "botocore %s (tests/servers/make_sigv4_vectors.py)" % __import__("botocore").__version__,
    }
    if case["token"]:
        context["credentials"]["token"] = TOKEN
    from urllib.parse import quote
    target = case["path"]
    if case["query"]:
        target += "?" + "&".join("%s=%s" % (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
                                 for k, v in case["query"])
    lines = ["%s %s HTTP/1.1" % (case["method"], target), "Host:%s" % case["host"]]
    lines += ["%s:%s" % kv for kv in case["headers"]]
    with open(os.path.join(d, "request.txt"), "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
        if body:
            f.write(b"\n" + body)
    with open(os.path.join(d, "context.json"), "w") as f:
        json.dump(context, f, indent=4, sort_keys=True)
        f.write("\n")
    for name, text in (("header-canonical-request.txt", creq), ("header-string-to-sign.txt", sts),
                       ("header-signature.txt", sig)):
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(d, "header-signed-request.txt"), "w", encoding="utf-8") as f:
        f.write("Authorization:%s\n" % request.headers["Authorization"])


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "tests/data/aws/sigv4"
    for case in CASES:
        write(outdir, case)


if __name__ == "__main__":
    main()
