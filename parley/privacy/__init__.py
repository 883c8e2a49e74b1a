"""Privacy: finding personal data (PII) in text, masking it, and who may see it unmasked."""
