"""Training-data exports: redaction, file writers, the rows they read and the service that runs one.

docs/exports.md describes the whole flow, the manifest and the redaction rules.
"""
