# tests/aws.mk: aws tests (see tests/local.mk)
